// The problems panels: the settings' error and lint findings (each with a button to its line),
// the links error, and the trace's error.
import type { AppState } from "./app-state";
import { h } from "./dom";
import { yamlLineOf } from "./editor";

/** The lines the settings editor marks, and how a click shows one. */
export interface ProblemsView {
  settingsHost: HTMLElement;
  traceHost: HTMLElement;
  markLines(lines: number[]): void;
  revealLine(line: number): void;
}

const ORDER: Record<string, number> = { error: 0, warning: 1, hint: 2 };

export function renderProblems(state: AppState, view: ProblemsView) {
  const item = (p: Problem) => problemItem(state.settingsText, view, p);
  const marks: number[] = [];
  const list = h("ul");
  if (state.settingsError) {
    const e = state.settingsError;
    list.append(item({ severity: "error", ...e }));
    const l = e.line ?? yamlLineOf(state.settingsText, e.path);
    if (l) marks.push(l);
  }
  if (state.linksError)
    list.append(item({ severity: "error", ...state.linksError, line: undefined }));
  const sorted = [...state.diagnostics].sort(
    (a, b) => (ORDER[a.severity] ?? 3) - (ORDER[b.severity] ?? 3),
  );
  for (const d of sorted) {
    // The engine locates each finding in the YAML (parseProvisioning's positions); the text
    // search is the fallback for findings without a place.
    const l = d.source?.line ?? yamlLineOf(state.settingsText, d.path);
    list.append(item({ ...d, line: l }));
    if (l && d.severity !== "hint") marks.push(l);
  }
  const n = list.children.length;
  const title = h(
    "h3",
    { class: n ? "" : "ok" },
    n ? `Problems (${n})` : "No problems found in the settings",
  );
  view.settingsHost.replaceChildren(title, ...(n ? [list] : []));
  view.markLines(marks);

  view.traceHost.replaceChildren();
  if (state.traceError) {
    const e = state.traceError;
    view.traceHost.append(h("ul", {}, item({ severity: "error", ...e, line: undefined })));
  }
}

interface Problem {
  severity: string;
  code: string;
  path: string;
  message: string;
  suggestion?: string;
  line?: number;
}

function problemItem(settingsText: string, view: ProblemsView, p: Problem): HTMLElement {
  const head = h(
    "div",
    { class: "problem-head" },
    h("span", { class: `badge ${p.severity}` }, p.severity),
    h("code", { class: "problem-code" }, p.code),
  );
  if (p.path || p.line) {
    const line = p.line ?? yamlLineOf(settingsText, p.path);
    const text = p.path ? p.path + (line ? ` · line ${line}` : "") : `line ${line}`;
    if (line) {
      const b = h("button", { class: "problem-path", type: "button", title: "Show in the editor" });
      b.textContent = text;
      b.addEventListener("click", () => view.revealLine(line));
      head.append(b);
    } else head.append(h("code", { class: "problem-path" }, text));
  }
  const li = h(
    "li",
    { class: `problem ${p.severity}`, "data-code": p.code, "data-path": p.path },
    head,
    h("p", { class: "problem-msg" }, p.message),
  );
  if (p.suggestion) li.append(h("p", { class: "problem-suggestion" }, `→ ${p.suggestion}`));
  return li;
}
