// The problems panels: the settings' error and lint findings, the links error, the trace's error
// and the fields it skipped. Each placed problem has a button to its line and a lint mark there.
import { fileIndex, type AppState } from "./app-state";
import { h } from "./dom";
import type { Mark } from "./editor";
import { jsonLineOf, yamlLineOf } from "./source-lines";

/** Where a problem is: a line (and column) of a settings file or of the trace. */
export type Place =
  | { doc: "settings"; file: number; line: number; column?: number }
  | { doc: "trace"; line: number; column?: number };

export interface ProblemsView {
  settingsHost: HTMLElement;
  traceHost: HTMLElement;
  /** Marks the problems of the settings file shown, and of the trace. */
  setMarks(settings: Mark[], trace: Mark[]): void;
  /** Shows a place in its editor. */
  reveal(place: Place): void;
}

interface Problem {
  severity: "error" | "warning" | "hint";
  /** The engine's code; the trace's skipped fields have none. */
  code: string;
  path: string;
  message: string;
  suggestion?: string;
  at?: Place;
}

const ORDER = { error: 0, warning: 1, hint: 2 };
/** A huge broken trace can skip thousands of fields: list and mark the first ones. */
const MAX_TRACE_WARNINGS = 50;

/** The settings problems, errors first, each placed in its file where possible. */
function settingsProblems(state: AppState): Problem[] {
  // The engine places each finding (parseProvisioning's positions); the YAML path search is the
  // fallback for findings without a place.
  const place = (file: string | undefined, path: string, line?: number, column?: number) => {
    const i = fileIndex(state, file);
    const l = line ?? yamlLineOf(state.settingsFiles[i].text, path);
    return l ? { doc: "settings" as const, file: i, line: l, column } : undefined;
  };
  const out: Problem[] = [];
  const e = state.settingsError;
  if (e) out.push({ severity: "error", ...e, at: place(e.file, e.path, e.line, e.column) });
  const l = state.linksError;
  if (l) out.push({ severity: "error", ...l, at: place(undefined, l.path) });
  const sorted = [...state.diagnostics].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  for (const d of sorted) {
    const s = d.source;
    out.push({ ...d, at: place(s?.file, d.path, s?.line, s?.column) });
  }
  return out;
}

/** The last trace's problems: placing skipped fields scans the text, so once per trace. */
let traceMemo: { of: unknown[]; problems: Problem[] } = { of: [], problems: [] };

/** The trace's error (at its line) or the fields it skipped (at their JSON path). */
function traceProblems(state: AppState): Problem[] {
  const of = [state.traceError, state.traceWarnings];
  if (!of.every((x, i) => x === traceMemo.of[i])) traceMemo = { of, problems: placeTrace(state) };
  return traceMemo.problems;
}

function placeTrace(state: AppState): Problem[] {
  const e = state.traceError;
  if (e) {
    const at = e.line ? { doc: "trace" as const, line: e.line, column: e.column } : undefined;
    return [{ severity: "error", ...e, at }];
  }
  return state.traceWarnings.slice(0, MAX_TRACE_WARNINGS).map((w) => {
    const line = jsonLineOf(state.traceText, w.path);
    return {
      severity: "warning",
      code: "",
      path: w.path,
      message: `skipped: ${w.reason}`,
      at: line ? { doc: "trace", line } : undefined,
    };
  });
}

const marksOf = (problems: Problem[], shown: (at: Place) => boolean): Mark[] =>
  problems.flatMap((p) =>
    p.at && shown(p.at) && p.severity !== "hint"
      ? [{ line: p.at.line, column: p.at.column, severity: p.severity, message: p.message }]
      : [],
  );

export function renderProblems(state: AppState, view: ProblemsView) {
  const fileName = (i: number) =>
    state.settingsFiles.length > 1 ? state.settingsFiles[i].name : undefined;
  const item = (p: Problem) => problemItem(p, view, fileName);
  const settings = settingsProblems(state);
  const n = settings.length;
  const title = h(
    "h3",
    { class: n ? "" : "ok" },
    n ? `Problems (${n})` : "No problems found in the settings",
  );
  view.settingsHost.replaceChildren(title, ...(n ? [h("ul", {}, ...settings.map(item))] : []));

  const trace = traceProblems(state);
  view.traceHost.replaceChildren(...(trace.length ? [h("ul", {}, ...trace.map(item))] : []));
  view.setMarks(
    marksOf(settings, (at) => at.doc === "settings" && at.file === state.activeFile),
    marksOf(trace, (at) => at.doc === "trace"),
  );
}

/** One problem; `fileName` names a settings file when there are several. */
function problemItem(
  p: Problem,
  view: ProblemsView,
  fileName: (i: number) => string | undefined,
): HTMLElement {
  const head = h(
    "div",
    { class: "problem-head" },
    h("span", { class: `badge ${p.severity}` }, p.severity),
  );
  if (p.code) head.append(h("code", { class: "problem-code" }, p.code));
  const at = p.at;
  if (at) {
    const name = at.doc === "settings" ? fileName(at.file) : undefined;
    const place = `${name ? `${name} ` : ""}line ${at.line}`;
    const b = h("button", { class: "problem-path", type: "button", title: "Show in the editor" });
    b.textContent = p.path ? `${p.path} · ${place}` : place;
    b.addEventListener("click", () => view.reveal(at));
    head.append(b);
  } else if (p.path) head.append(h("code", { class: "problem-path" }, p.path));
  const li = h(
    "li",
    { class: `problem ${p.severity}`, "data-code": p.code, "data-path": p.path },
    head,
    h("p", { class: "problem-msg" }, p.message),
  );
  if (p.suggestion) li.append(h("p", { class: "problem-suggestion" }, `→ ${p.suggestion}`));
  return li;
}
