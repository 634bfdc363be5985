// Span search: every term (space-separated) must occur in a span's name, service or attributes;
// matches are highlighted and ↑/↓ (or Enter / Shift+Enter) walk them in tree order.
import { $ } from "./dom";
import type { TraceModel, Waterfall } from "./waterfall";

export interface SearchHost {
  model(): TraceModel | null;
  selected(): string | null;
  select(spanId: string): void;
}

export class Search {
  private readonly input = $<HTMLInputElement>("search");
  private readonly count = $<HTMLOutputElement>("search-count");
  private matches: string[] = [];
  private timer = 0;

  constructor(
    private readonly waterfall: Waterfall,
    private readonly host: SearchHost,
  ) {
    this.input.addEventListener("input", () => {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.run(), 120);
    });
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        this.run();
        this.step(e.shiftKey ? -1 : 1);
      }
    });
    $("search-next").addEventListener("click", () => this.step(1));
    $("search-prev").addEventListener("click", () => this.step(-1));
  }

  /** Finds the matches of the query in the current trace. */
  run() {
    const q = this.input.value.trim().toLowerCase();
    const m = this.host.model();
    this.matches = [];
    if (!q || !m) {
      this.waterfall.setMatches(null);
      this.count.textContent = "";
      return;
    }
    const terms = q.split(/\s+/);
    // in tree order, so ↓ walks the waterfall top to bottom
    const stack = [...m.roots].reverse();
    while (stack.length) {
      const n = stack.pop()!;
      if (terms.every((t) => n.search.includes(t))) this.matches.push(n.span.spanID);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
    const k = this.matches.length;
    this.waterfall.setMatches(new Set(this.matches));
    this.count.textContent = `${k.toLocaleString("en-US")} match${k === 1 ? "" : "es"}`;
  }

  private step(dir: number) {
    const k = this.matches.length;
    if (!k) return;
    const cur = this.matches.indexOf(this.host.selected() ?? "");
    const i = cur < 0 ? (dir > 0 ? 0 : k - 1) : (cur + dir + k) % k;
    this.host.select(this.matches[i]);
  }
}
