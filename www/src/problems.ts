// The problems panels: the settings' error and lint findings (each with a button to its file and
// line, and a lint mark there in the editor), the links error, and the trace's error.
import { fileIndex, type AppState } from "./app-state";
import { h } from "./dom";
import type { Mark } from "./editor";
import { yamlLineOf } from "./yaml-path";

export interface ProblemsView {
  settingsHost: HTMLElement;
  traceHost: HTMLElement;
  /** Marks the findings of the settings file shown in the editor. */
  setMarks(marks: Mark[]): void;
  /** Shows a settings file at a line. */
  reveal(file: number, line: number): void;
}

interface Problem {
  severity: "error" | "warning" | "hint";
  code: string;
  path: string;
  message: string;
  suggestion?: string;
  /** Where it is in the settings, when known: the file's index, line and column. */
  at?: { file: number; line: number; column?: number };
}

const ORDER = { error: 0, warning: 1, hint: 2 };

/** The settings problems, errors first, each placed in its file where possible. */
function settingsProblems(state: AppState): Problem[] {
  // The engine places each finding (parseProvisioning's positions); the YAML path search is the
  // fallback for findings without a place.
  const place = (file: string | undefined, path: string, line?: number, column?: number) => {
    const i = fileIndex(state, file);
    const l = line ?? yamlLineOf(state.settingsFiles[i].text, path);
    return l ? { file: i, line: l, column } : undefined;
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

export function renderProblems(state: AppState, view: ProblemsView) {
  const several = state.settingsFiles.length > 1;
  const problems = settingsProblems(state);
  const list = h("ul", {}, ...problems.map((p) => problemItem(p, view, several ? state : null)));
  const n = problems.length;
  const title = h(
    "h3",
    { class: n ? "" : "ok" },
    n ? `Problems (${n})` : "No problems found in the settings",
  );
  view.settingsHost.replaceChildren(title, ...(n ? [list] : []));
  view.setMarks(
    problems.flatMap((p) =>
      p.at && p.at.file === state.activeFile && p.severity !== "hint"
        ? [{ line: p.at.line, column: p.at.column, severity: p.severity, message: p.message }]
        : [],
    ),
  );

  view.traceHost.replaceChildren();
  const t = state.traceError;
  if (t) view.traceHost.append(h("ul", {}, problemItem({ severity: "error", ...t }, view, null)));
}

/** One problem; `names` (given when there are several files) names the file of its place. */
function problemItem(p: Problem, view: ProblemsView, names: AppState | null): HTMLElement {
  const head = h(
    "div",
    { class: "problem-head" },
    h("span", { class: `badge ${p.severity}` }, p.severity),
    h("code", { class: "problem-code" }, p.code),
  );
  const at = p.at;
  if (at) {
    const place = `${names ? `${names.settingsFiles[at.file].name} ` : ""}line ${at.line}`;
    const b = h("button", { class: "problem-path", type: "button", title: "Show in the editor" });
    b.textContent = p.path ? `${p.path} · ${place}` : place;
    b.addEventListener("click", () => view.reveal(at.file, at.line));
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
