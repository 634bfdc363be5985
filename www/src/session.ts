// Samples and the URL: which sample the state shows, what of it was edited, and the URL hash
// that reproduces the view (url.ts encodes it).
import { DEFAULT_GRAFANA, SETTINGS_FILE, type AppState, type SettingsFile } from "./app-state";
import { SAMPLES, sampleById, type Sample } from "./samples/index.js";
import { encodeState, type ViewState } from "./url";

/** Puts a sample (with the edits a URL carries) into the state; returns whether it is a large one. */
export function applySample(state: AppState, id: string, view?: ViewState): { large: boolean } {
  const sample = sampleById(id) ?? SAMPLES[0];
  state.sampleId = sample.id;
  state.settingsFiles = view ? viewFiles({ ...view, sample: sample.id }) : sampleFiles(sample);
  state.activeFile = 0;
  state.settingsEdited = view?.settings !== undefined || view?.files !== undefined;
  state.traceText = view?.trace ?? sample.trace();
  state.traceEdited = view?.trace !== undefined;
  state.selected = view?.span ?? sample.selected();
  return { large: !!sample.large };
}

/** A sample's settings files (copies: the state's are edited in place). */
function sampleFiles(sample: Sample): SettingsFile[] {
  return sample.files?.map((f) => ({ ...f })) ?? [{ name: SETTINGS_FILE, text: sample.settings }];
}

/** The settings a view shows: its files, its edited text, or its sample's. */
function viewFiles(view: ViewState): SettingsFile[] {
  if (view.files) return view.files;
  if (view.settings !== undefined) return [{ name: SETTINGS_FILE, text: view.settings }];
  return sampleFiles(sampleById(view.sample) ?? SAMPLES[0]);
}

/** Whether a URL's view shows the state's documents (then only its span may differ). */
export function sameDocuments(view: ViewState, state: AppState): boolean {
  return (
    view.sample === state.sampleId &&
    JSON.stringify(viewFiles(view)) === JSON.stringify(state.settingsFiles) &&
    (view.trace === undefined ? !state.traceEdited : view.trace === state.traceText)
  );
}

function viewOf(state: AppState): ViewState {
  const sample = sampleById(state.sampleId);
  const view: ViewState = { sample: state.sampleId, span: state.selected ?? undefined };
  const files = state.settingsFiles;
  const asSample = sample && JSON.stringify(files) === JSON.stringify(sampleFiles(sample));
  if (state.settingsEdited && !asSample) {
    if (files.length > 1 || files[0].name !== SETTINGS_FILE) view.files = files;
    else view.settings = files[0].text;
  }
  // a pasted trace goes into the link while it is reasonably small
  if (state.traceEdited && state.traceText.length < 300_000) view.trace = state.traceText;
  const g = state.grafanaUrl.trim();
  if (g && g !== DEFAULT_GRAFANA) view.grafana = g;
  return view;
}

/** Keeps the URL hash in step with the state, a moment after the last change. */
export class UrlSync {
  private timer = 0;

  save(state: AppState) {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.write(state), 250);
  }

  /** Writes the hash now (before the URL is copied). */
  async flush(state: AppState) {
    window.clearTimeout(this.timer);
    await this.write(state);
  }

  private async write(state: AppState) {
    const hash = "#" + (await encodeState(viewOf(state)));
    if (hash !== location.hash) history.replaceState(null, "", hash);
  }
}
