// The playground's two editors: CodeMirror 6 with YAML or JSON, the engine's findings as lint
// marks at their line and column, and completion where the caller offers some.
import type { CompletionSource } from "@codemirror/autocomplete";
import { indentWithTab } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { yaml } from "@codemirror/lang-yaml";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic as LintDiagnostic } from "@codemirror/lint";
import { EditorState, type Extension } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { basicSetup } from "codemirror";

/** A finding to mark: 1-based line and (optional) column, as the engine reports them. */
export interface Mark {
  line: number;
  column?: number;
  severity: "error" | "warning" | "hint";
  message: string;
}

export interface EditorOptions {
  label: string;
  language: "yaml" | "json";
  /** Called with the whole text after each edit by the user (not after setValue). */
  onInput(text: string): void;
  complete?: CompletionSource;
}

/** Colours from the page's CSS variables, so the light and dark themes both apply. */
const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: "var(--syn-key)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--syn-string)" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--syn-atom)" },
  { tag: [tags.comment, tags.meta], color: "var(--muted)", fontStyle: "italic" },
  { tag: [tags.punctuation, tags.separator, tags.bracket], color: "var(--muted)" },
]);

const layout = EditorView.theme({
  "&": { height: "100%", fontSize: "12px", color: "var(--text)", backgroundColor: "transparent" },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "18px" },
  ".cm-gutters": {
    backgroundColor: "var(--panel-2)",
    color: "var(--muted)",
    borderRight: "1px solid var(--border)",
  },
  ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "var(--row-hover)" },
  ".cm-content": { caretColor: "var(--text)" },
});

export class Editor {
  private readonly view: EditorView;
  private readonly extensions: Extension[];
  /** Each tab's editor state (undo history, selection), by key. */
  private readonly saved = new Map<string, EditorState>();
  private key = "";
  private shownMarks = "";

  constructor(host: HTMLElement, opts: EditorOptions) {
    const lang = opts.language === "yaml" ? yaml() : json();
    this.extensions = [
      basicSetup,
      keymap.of([indentWithTab]), // Escape then Tab leaves the editor (CodeMirror's tab focus mode)
      lang,
      opts.complete ? lang.language.data.of({ autocomplete: opts.complete }) : [],
      syntaxHighlighting(highlight),
      lintGutter(),
      layout,
      EditorView.contentAttributes.of({ "aria-label": opts.label }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) opts.onInput(u.state.doc.toString());
      }),
    ];
    this.view = new EditorView({ parent: host, state: this.create("") });
  }

  get value(): string {
    return this.view.state.doc.toString();
  }

  /** Shows a new text as tab `key` (forgetting every tab's saved state). */
  setValue(text: string, key = "") {
    this.saved.clear();
    this.key = key;
    this.show(this.create(text));
  }

  /** Switches to the tab `key`, keeping the current tab's state for when it comes back. */
  switchTo(key: string, text: string) {
    this.saved.set(this.key, this.view.state);
    const kept = this.saved.get(key);
    this.key = key;
    this.show(kept && kept.doc.toString() === text ? kept : this.create(text));
  }

  /** Marks findings at their line (from their column to the end of the line). */
  setMarks(marks: Mark[]) {
    const id = JSON.stringify(marks);
    if (id === this.shownMarks) return;
    this.shownMarks = id;
    const doc = this.view.state.doc;
    const diagnostics: LintDiagnostic[] = [];
    for (const m of marks) {
      if (m.line < 1 || m.line > doc.lines) continue;
      const line = doc.line(m.line);
      // from the column to the end of the line; the whole line when the column is at its end
      const end = line.from + line.text.trimEnd().length;
      let from = line.from + Math.min(Math.max((m.column ?? 1) - 1, 0), line.length);
      if (from >= end) from = line.from + (line.text.length - line.text.trimStart().length);
      const to = Math.max(from, end);
      diagnostics.push({ from, to, severity: m.severity, message: m.message });
    }
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  /** Selects a line and scrolls it to the middle of the editor. */
  revealLine(lineNumber: number) {
    const doc = this.view.state.doc;
    const line = doc.line(Math.min(Math.max(lineNumber, 1), doc.lines));
    this.view.dispatch({
      selection: { anchor: line.from, head: line.to },
      effects: EditorView.scrollIntoView(line.from, { y: "center" }),
    });
    this.view.focus();
  }

  private create(text: string): EditorState {
    return EditorState.create({ doc: text, extensions: this.extensions });
  }

  private show(state: EditorState) {
    this.view.setState(state);
    this.shownMarks = ""; // a new state has no marks: the next setMarks sets them
  }
}
