// The playground's wiring: one state (app-state.ts), the components that draw it, the actions that
// change it, and render(), the one path from the state to the page.
import "./style.css";
import { byFileName, createState, provisionedDatasources, traceAttributeKeys } from "./app-state";
import { $ } from "./dom";
import { settingsCompletion } from "./completion";
import { initDrop, readFiles } from "./drop";
import { Editor } from "./editor";
import { loadEngine, toShownError } from "./engine";
import { LinksClient, readSettings, readTrace } from "./links-client";
import { renderFileTabs, type FileTabActions } from "./file-tabs";
import { renderProblems, type ProblemsView } from "./problems";
import { SAMPLES } from "./samples/index.js";
import { Search } from "./search";
import { applySample, sameDocuments, UrlSync } from "./session";
import { renderSpanPanel } from "./span-panel";
import { Tabs } from "./tabs";
import { initTheme } from "./theme";
import { renderTiming, renderTraceHeader } from "./trace-header";
import { decodeState, type ViewState } from "./url";
import { Waterfall, type TraceModel } from "./waterfall";

const state = createState(SAMPLES[0].id);

// ---- components ----------------------------------------------------------------------------------
initTheme($<HTMLButtonElement>("theme"));
const sampleSelect = $<HTMLSelectElement>("sample");
for (const s of SAMPLES) sampleSelect.append(new Option(s.title, s.id));
const grafanaInput = $<HTMLInputElement>("grafana-url");
const timing = $<HTMLOutputElement>("timing");
const tabs = new Tabs([$<HTMLButtonElement>("tab-settings"), $<HTMLButtonElement>("tab-trace")]);
const SETTINGS_TAB = 0;
const TRACE_TAB = 1;
const settingsEditor = new Editor($("settings-editor"), {
  label: "Provisioning YAML",
  language: "yaml",
  onInput(text) {
    state.settingsFiles[state.activeFile].text = text;
    state.settingsEdited = true;
    schedule("settings");
  },
  complete: settingsCompletion({
    datasources: () => provisionedDatasources(state),
    attributes: () => traceAttributeKeys(state),
  }),
});
const traceEditor = new Editor($("trace-editor"), {
  label: "Trace JSON",
  language: "json",
  onInput(text) {
    state.traceText = text;
    state.traceEdited = true;
    schedule("trace");
  },
});
const waterfall = new Waterfall($("waterfall"), {
  onSelect: (id) => selectSpan(id, { fromWaterfall: true }),
});
const search = new Search(waterfall, {
  model: () => state.model,
  selected: () => state.selected,
  select: (id) => selectSpan(id),
});
const links = new LinksClient(state, render);
const url = new UrlSync();
const problemsView: ProblemsView = {
  settingsHost: $("settings-problems"),
  traceHost: $("trace-problems"),
  setMarks: (settings, trace) => {
    settingsEditor.setMarks(settings);
    traceEditor.setMarks(trace);
  },
  reveal: (at) => {
    if (at.doc === "settings") {
      tabs.show(SETTINGS_TAB);
      openFile(at.file);
      settingsEditor.revealLine(at.line);
    } else {
      tabs.show(TRACE_TAB);
      traceEditor.revealLine(at.line);
    }
  },
};

// ---- render: the state, drawn ----------------------------------------------------------------------
/** What the waterfall was last given, so that it is rebuilt only when the trace or links change. */
let shown: { model: TraceModel | null; links: Map<string, unknown> | null } = {
  model: null,
  links: null,
};

function render() {
  renderFileTabs($("settings-files"), state, fileActions);
  renderProblems(state, problemsView);
  renderTiming(timing, state);
  if (state.model !== shown.model) {
    waterfall.setModel(state.model);
    search.run();
    waterfall.select(state.selected);
  }
  if (state.links !== shown.links) {
    const counts = new Map<string, number>();
    for (const [id, ls] of state.links) counts.set(id, ls.length);
    waterfall.setLinkCounts(counts);
  }
  shown = { model: state.model, links: state.links };
  renderTraceHeader($("trace-header"), state);
  renderSpanPanel($("details"), state, links, (id) => selectSpan(id, { focus: true }));
  url.save(state);
}

// ---- actions ---------------------------------------------------------------------------------------
let timer = 0;
const dirty = new Set<"settings" | "trace">();

/** Re-reads an edited document a moment after the last keystroke. */
function schedule(what: "settings" | "trace") {
  dirty.add(what);
  window.clearTimeout(timer);
  timer = window.setTimeout(recompute, 150);
}

function recompute() {
  window.clearTimeout(timer);
  if (dirty.has("settings")) readSettings(state);
  if (dirty.has("trace")) readTrace(state);
  dirty.clear();
  links.compute();
  const m = state.model;
  if (m && (!state.selected || !m.byId.has(state.selected)))
    state.selected = m.roots[0]?.span.spanID ?? null;
  render();
}

function selectSpan(id: string, opts: { fromWaterfall?: boolean; focus?: boolean } = {}) {
  state.selected = id;
  if (!opts.fromWaterfall) waterfall.select(id, { focus: opts.focus });
  render();
}

/** Shows settings file `i` in the editor. */
function openFile(i: number) {
  if (i === state.activeFile) return;
  state.activeFile = i;
  const f = state.settingsFiles[i];
  settingsEditor.switchTo(String(i), f.text);
  render();
}

/** The settings files changed as a whole (added, closed, renamed): show the active one, re-read. */
function filesChanged() {
  const active = state.settingsFiles[state.activeFile];
  state.settingsFiles.sort(byFileName);
  state.activeFile = state.settingsFiles.indexOf(active);
  state.settingsEdited = true;
  settingsEditor.setValue(state.settingsFiles[state.activeFile].text, String(state.activeFile));
  schedule("settings");
  render();
}

const fileActions: FileTabActions = {
  open: openFile,
  add() {
    const names = new Set(state.settingsFiles.map((f) => f.name));
    let n = state.settingsFiles.length + 1;
    while (names.has(`file-${n}.yaml`)) n++;
    state.settingsFiles.push({ name: `file-${n}.yaml`, text: "apiVersion: 1\ndatasources: []\n" });
    state.activeFile = state.settingsFiles.length - 1;
    filesChanged();
  },
  close(i) {
    state.settingsFiles.splice(i, 1);
    state.activeFile = Math.min(i, state.settingsFiles.length - 1);
    filesChanged();
  },
  rename(i, name) {
    state.settingsFiles[i].name = name;
    filesChanged();
  },
};

function loadSample(id: string, view?: ViewState) {
  const { large } = applySample(state, id, view);
  sampleSelect.value = state.sampleId;
  settingsEditor.setValue(state.settingsFiles[0].text, "0");
  traceEditor.setValue(state.traceText);
  document.body.classList.toggle("large", large);
  dirty.add("settings");
  dirty.add("trace");
  recompute();
}

sampleSelect.addEventListener("change", () => loadSample(sampleSelect.value));
grafanaInput.addEventListener("input", () => {
  state.grafanaUrl = grafanaInput.value;
  render();
});
$("collapse-all").addEventListener("click", () => waterfall.collapseAll());
$("expand-all").addEventListener("click", () => waterfall.expandAll());

$("share").addEventListener("click", async () => {
  const btn = $<HTMLButtonElement>("share");
  await url.flush(state);
  try {
    await navigator.clipboard.writeText(location.href);
    btn.textContent = "Copied";
  } catch {
    btn.textContent = "Link in the address bar";
  }
  window.setTimeout(() => (btn.textContent = "Copy link"), 1500);
});

initDrop($("drop"), async (dropped) => {
  if (dropped.settings.length) {
    // each file in its tab, read together as Grafana reads a provisioning directory
    state.settingsFiles = await readFiles(dropped.settings);
    state.activeFile = 0;
    state.settingsEdited = true;
    settingsEditor.setValue(state.settingsFiles[0].text, "0");
    tabs.show(SETTINGS_TAB);
    schedule("settings");
  } else if (dropped.trace) {
    state.traceText = await dropped.trace.text();
    state.traceEdited = true;
    state.selected = null;
    traceEditor.setValue(state.traceText);
    tabs.show(TRACE_TAB);
    schedule("trace");
  }
});

window.addEventListener("hashchange", async () => {
  const view = await decodeState(location.hash);
  if (!view) return;
  if (!sameDocuments(view, state)) loadSample(view.sample, view);
  else if (view.span && view.span !== state.selected) selectSpan(view.span);
});

// ---- start -----------------------------------------------------------------------------------------
async function start() {
  const view = await decodeState(location.hash);
  if (view?.grafana) grafanaInput.value = view.grafana;
  state.grafanaUrl = grafanaInput.value;
  try {
    await loadEngine();
  } catch (e) {
    timing.textContent = `spanlink failed to load: ${toShownError(e).message}`;
    return;
  }
  loadSample(view?.sample ?? SAMPLES[0].id, view ?? undefined);
  document.body.dataset.ready = "true";
}

void start();
