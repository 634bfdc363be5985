// A plain <textarea> with a line-number gutter and line highlighting: enough for YAML and JSON.

export interface Editor {
  value: string;
  textarea: HTMLTextAreaElement;
  setValue(text: string): void;
  markLines(lines: number[]): void;
  revealLine(line: number): void;
}

export function createEditor(
  host: HTMLElement,
  label: string,
  onInput: (text: string) => void,
): Editor {
  host.classList.add("editor");
  const gutter = document.createElement("div");
  gutter.className = "gutter";
  gutter.setAttribute("aria-hidden", "true");
  const ta = document.createElement("textarea");
  ta.spellcheck = false;
  ta.wrap = "off";
  ta.setAttribute("aria-label", label);
  ta.setAttribute("autocapitalize", "off");
  ta.setAttribute("autocomplete", "off");
  host.append(gutter, ta);

  let lineCount = 0;
  let marked = new Set<number>();
  function renderGutter() {
    const n = ta.value.length > 2_000_000 ? 1 : ta.value.split("\n").length;
    if (n === lineCount && marked.size === 0 && !gutter.querySelector(".mark")) return;
    lineCount = n;
    const parts: string[] = [];
    for (let i = 1; i <= n; i++)
      parts.push(marked.has(i) ? `<span class="mark">${i}</span>` : String(i));
    gutter.innerHTML = parts.join("\n");
  }
  ta.addEventListener("input", () => {
    renderGutter();
    onInput(ta.value);
  });
  ta.addEventListener("scroll", () => {
    gutter.scrollTop = ta.scrollTop;
  });
  // Tab inserts two spaces (Shift+Tab / Escape leave the editor for keyboard users)
  ta.addEventListener("keydown", (e) => {
    if (
      e.key === "Tab" &&
      !e.shiftKey &&
      !e.altKey &&
      !e.ctrlKey &&
      !e.metaKey &&
      ta.dataset.tabs !== "off"
    ) {
      e.preventDefault();
      document.execCommand("insertText", false, "  ");
    } else if (e.key === "Escape") {
      ta.dataset.tabs = "off";
      window.setTimeout(() => delete ta.dataset.tabs, 2000);
    }
  });

  const ed: Editor = {
    get value() {
      return ta.value;
    },
    textarea: ta,
    setValue(text: string) {
      ta.value = text;
      lineCount = -1;
      renderGutter();
      ta.scrollTop = 0;
      gutter.scrollTop = 0;
    },
    markLines(lines: number[]) {
      marked = new Set(lines);
      lineCount = -1;
      renderGutter();
    },
    revealLine(line: number) {
      const lines = ta.value.split("\n");
      let pos = 0;
      for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
      ta.focus();
      ta.setSelectionRange(pos, pos + (lines[line - 1]?.length ?? 0));
      const lh = parseFloat(getComputedStyle(ta).lineHeight) || 18;
      ta.scrollTop = Math.max(0, (line - 4) * lh);
    },
  };
  return ed;
}

/**
 * The line of a provisioning path such as `datasources[0].jsonData.tracesToLogsV2.tags[1].value`
 * in YAML text: follows the indentation of the block-style keys and `- ` list items.
 * Returns 0 when it cannot tell.
 */
export function yamlLineOf(yaml: string, path: string): number {
  const segs: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    segs.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  if (!segs.length) return 0;
  const lines = yaml.split("\n");
  let from = 0;
  let to = lines.length;
  let indent = -1; // indentation of the keys of the current mapping (-1: any)
  let best = 0;
  for (const seg of segs) {
    let found = -1;
    if (typeof seg === "string") {
      for (let i = from; i < to; i++) {
        const m = /^(\s*)(- +)?(["']?)([^:'"#]+)\3\s*:/.exec(lines[i]);
        if (!m) continue;
        const ind = m[1].length + (m[2]?.length ?? 0);
        if (indent >= 0 && ind !== indent) continue;
        if (m[4].trim() === seg) {
          found = i;
          indent = -1;
          break;
        }
        if (indent < 0) indent = ind;
      }
    } else {
      let k = -1;
      let itemIndent = -1;
      for (let i = from; i < to; i++) {
        const m = /^(\s*)- /.exec(lines[i]);
        if (!m) continue;
        if (itemIndent < 0) itemIndent = m[1].length;
        if (m[1].length !== itemIndent) continue;
        if (++k === seg) {
          found = i;
          indent = m[1].length + 2;
          break;
        }
      }
    }
    if (found < 0) break;
    best = found + 1;
    // the block of this key / item: until a line indented no deeper than it
    const baseIndent = /^(\s*)/.exec(lines[found])![1].length;
    let end = found + 1;
    while (
      end < to &&
      (lines[end].trim() === "" ||
        lines[end].trimStart().startsWith("#") ||
        /^(\s*)/.exec(lines[end])![1].length > baseIndent)
    )
      end++;
    if (typeof seg === "number") {
      from = found; // the item's first key is on the `- ` line
    } else {
      from = found + 1;
    }
    to = end;
  }
  return best;
}
