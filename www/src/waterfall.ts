// The trace waterfall: a virtualised tree of spans on a time axis.
import type { Span } from "./types";

export const ROW_HEIGHT = 28;
const OVERSCAN = 8;

export interface Node {
  span: Span;
  depth: number;
  parent: Node | null;
  children: Node[];
  search: string; // lower-case text searched by the finder
}

export interface TraceModel {
  spans: Span[];
  byId: Map<string, Node>;
  roots: Node[];
  start: number; // µs
  end: number; // µs
  services: string[];
  traceId: string;
}

const PALETTE = [
  "#3871dc",
  "#f46800",
  "#1a9a6b",
  "#b5439a",
  "#c79200",
  "#0f8ba3",
  "#7b5cd6",
  "#d0453f",
];

export function serviceColor(model: TraceModel, service: string): string {
  const i = model.services.indexOf(service);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

export function formatDuration(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

function attrText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

export function buildModel(spans: Span[]): TraceModel {
  const byId = new Map<string, Node>();
  for (const span of spans) {
    byId.set(span.spanID, { span, depth: 0, parent: null, children: [], search: "" });
  }
  const roots: Node[] = [];
  let start = Infinity;
  let end = -Infinity;
  const services: string[] = [];
  const seen = new Set<string>();
  for (const node of byId.values()) {
    const s = node.span;
    start = Math.min(start, s.startTime);
    end = Math.max(end, s.startTime + s.duration);
    const parent = s.parentSpanID ? byId.get(s.parentSpanID) : undefined;
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    } else roots.push(node);
  }
  const byStart = (a: Node, b: Node) => a.span.startTime - b.span.startTime;
  roots.sort(byStart);
  // depth-first, iterative (deep traces must not overflow the stack)
  const stack = [...roots].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    n.depth = n.parent ? n.parent.depth + 1 : 0;
    if (!seen.has(n.span.serviceName)) {
      seen.add(n.span.serviceName);
      services.push(n.span.serviceName);
    }
    n.children.sort(byStart);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  for (const n of byId.values()) {
    const s = n.span;
    const parts = [s.serviceName, s.operationName, s.spanID];
    for (const kv of s.serviceTags) parts.push(`${kv.key}=${attrText(kv.value)}`);
    for (const kv of s.tags) parts.push(`${kv.key}=${attrText(kv.value)}`);
    n.search = parts.join("\n").toLowerCase();
  }
  if (!Number.isFinite(start)) {
    start = 0;
    end = 1;
  }
  return {
    spans,
    byId,
    roots,
    start,
    end: Math.max(end, start + 1),
    services,
    traceId: spans[0]?.traceID ?? "",
  };
}

export interface WaterfallCallbacks {
  onSelect(spanId: string): void;
}

export class Waterfall {
  private model: TraceModel | null = null;
  private rows: Node[] = [];
  private collapsed = new Set<string>();
  private selected: string | null = null;
  private matches: Set<string> | null = null;
  private linkCounts = new Map<string, number>();
  private readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly axis: HTMLDivElement;
  private frame = 0;

  private readonly cb: WaterfallCallbacks;

  constructor(host: HTMLElement, cb: WaterfallCallbacks) {
    this.cb = cb;
    host.innerHTML = "";
    this.axis = document.createElement("div");
    this.axis.className = "wf-axis";
    this.scroller = document.createElement("div");
    this.scroller.className = "wf-scroll";
    this.scroller.setAttribute("role", "tree");
    this.scroller.setAttribute("aria-label", "Spans");
    this.spacer = document.createElement("div");
    this.spacer.className = "wf-spacer";
    this.scroller.append(this.spacer);
    host.append(this.axis, this.scroller);
    this.scroller.addEventListener("scroll", () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.scroller.addEventListener("click", (e) => this.onClick(e));
    this.scroller.addEventListener("keydown", (e) => this.onKey(e));
  }

  setModel(model: TraceModel | null) {
    this.model = model;
    this.collapsed.clear();
    this.flatten();
    this.renderAxis();
    this.render();
  }

  setLinkCounts(counts: Map<string, number>) {
    this.linkCounts = counts;
    this.schedule();
  }

  setMatches(matches: Set<string> | null) {
    this.matches = matches;
    this.schedule();
  }

  getSelected() {
    return this.selected;
  }

  /** Select a span: expands its ancestors and scrolls it into view. */
  select(spanId: string | null, opts: { focus?: boolean; scroll?: boolean } = {}) {
    this.selected = spanId;
    if (spanId && this.model) {
      let changed = false;
      for (let p = this.model.byId.get(spanId)?.parent; p; p = p.parent) {
        if (this.collapsed.delete(p.span.spanID)) changed = true;
      }
      if (changed) this.flatten();
      if (opts.scroll !== false)
        this.scrollToRow(this.rows.findIndex((n) => n.span.spanID === spanId));
    }
    this.render();
    if (opts.focus) this.focusSelected();
  }

  collapseAll() {
    if (!this.model) return;
    for (const n of this.model.byId.values())
      if (n.children.length && n.parent) this.collapsed.add(n.span.spanID);
    this.flatten();
    this.render();
  }

  expandAll() {
    this.collapsed.clear();
    this.flatten();
    this.render();
  }

  toggle(spanId: string) {
    const node = this.model?.byId.get(spanId);
    if (!node || !node.children.length) return;
    if (!this.collapsed.delete(spanId)) this.collapsed.add(spanId);
    this.flatten();
    this.render();
  }

  private flatten() {
    this.rows = [];
    if (!this.model) return;
    const stack = [...this.model.roots].reverse();
    while (stack.length) {
      const n = stack.pop()!;
      this.rows.push(n);
      if (!this.collapsed.has(n.span.spanID))
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
  }

  private scrollToRow(i: number) {
    if (i < 0) return;
    const top = i * ROW_HEIGHT;
    const h = this.scroller.clientHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > this.scroller.scrollTop + h)
      this.scroller.scrollTop = top + ROW_HEIGHT - h;
  }

  private focusSelected() {
    const el = this.scroller.querySelector<HTMLElement>(".wf-row[aria-selected=true]");
    el?.focus({ preventScroll: true });
  }

  private schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private renderAxis() {
    const m = this.model;
    this.axis.innerHTML = "";
    const name = document.createElement("div");
    name.className = "wf-axis-name";
    name.textContent = "Service & operation";
    const ticks = document.createElement("div");
    ticks.className = "wf-axis-ticks";
    if (m) {
      for (let i = 0; i <= 4; i++) {
        const t = document.createElement("span");
        t.style.left = `${i * 25}%`;
        t.textContent = i === 0 ? "0" : formatDuration(((m.end - m.start) * i) / 4);
        ticks.append(t);
      }
    }
    this.axis.append(name, ticks);
  }

  render() {
    const m = this.model;
    const hadFocus =
      this.scroller.contains(document.activeElement) && document.activeElement !== this.scroller;
    for (const el of [...this.scroller.querySelectorAll(".wf-row")]) el.remove();
    if (!m) return;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(
      this.rows.length,
      Math.ceil((this.scroller.scrollTop + this.scroller.clientHeight) / ROW_HEIGHT) + OVERSCAN,
    );
    const total = m.end - m.start;
    const frag = document.createDocumentFragment();
    const selectedVisible = this.rows.some((n) => n.span.spanID === this.selected);
    for (let i = first; i < last; i++) {
      const n = this.rows[i];
      const s = n.span;
      const row = document.createElement("div");
      row.className = "wf-row";
      row.dataset.spanId = s.spanID;
      row.style.top = `${i * ROW_HEIGHT}px`;
      row.setAttribute("role", "treeitem");
      row.setAttribute("aria-level", String(n.depth + 1));
      const isSel = s.spanID === this.selected;
      row.setAttribute("aria-selected", String(isSel));
      row.tabIndex = isSel || (!selectedVisible && i === first) ? 0 : -1;
      if (n.children.length)
        row.setAttribute("aria-expanded", String(!this.collapsed.has(s.spanID)));
      if (this.matches) row.classList.add(this.matches.has(s.spanID) ? "match" : "dim");
      const isError =
        s.statusCode === "ERROR" ||
        s.tags.some((t) => t.key === "error" && (t.value === true || t.value === "true"));
      if (isError) row.classList.add("error");
      const color = serviceColor(m, s.serviceName);

      const name = document.createElement("div");
      name.className = "wf-name";
      name.style.paddingLeft = `${6 + n.depth * 14}px`;
      const toggle = document.createElement("span");
      toggle.className = "wf-toggle";
      if (n.children.length) {
        toggle.textContent = this.collapsed.has(s.spanID) ? "▸" : "▾";
        toggle.title = this.collapsed.has(s.spanID)
          ? `Expand (${n.children.length} children)`
          : "Collapse";
        toggle.dataset.toggle = "1";
      }
      const chip = document.createElement("span");
      chip.className = "svc-chip";
      chip.style.background = color;
      const svc = document.createElement("span");
      svc.className = "svc";
      svc.textContent = s.serviceName;
      const op = document.createElement("span");
      op.className = "op";
      op.textContent = s.operationName;
      name.append(toggle, chip, svc, op);
      if (isError) {
        const e = document.createElement("span");
        e.className = "err-badge";
        e.textContent = "!";
        e.title = "Error";
        name.append(e);
      }
      const lc = this.linkCounts.get(s.spanID);
      if (lc) {
        const b = document.createElement("span");
        b.className = "link-count";
        b.textContent = String(lc);
        b.title = `${lc} link${lc === 1 ? "" : "s"}`;
        name.append(b);
      }
      const tl = document.createElement("div");
      tl.className = "wf-timeline";
      const bar = document.createElement("div");
      bar.className = "wf-bar";
      const left = ((s.startTime - m.start) / total) * 100;
      const width = Math.max((s.duration / total) * 100, 0.15);
      bar.style.left = `${left}%`;
      bar.style.width = `${width}%`;
      bar.style.background = color;
      const dur = document.createElement("span");
      dur.className = "wf-dur";
      dur.textContent = formatDuration(s.duration);
      if (left + width <= 80) dur.style.left = `${left + width}%`;
      else if (left >= 22) {
        dur.classList.add("before");
        dur.style.right = `${100 - left}%`;
      } else {
        // no room on either side: inside the bar, at its end
        dur.classList.add("inside");
        dur.style.right = `${Math.max(0, 100 - left - width)}%`;
      }
      tl.append(bar, dur);
      row.append(name, tl);
      row.setAttribute(
        "aria-label",
        `${s.serviceName} ${s.operationName}, ${formatDuration(s.duration)}${isError ? ", error" : ""}`,
      );
      frag.append(row);
    }
    this.scroller.append(frag);
    if (hadFocus) this.focusSelected();
  }

  private onClick(e: MouseEvent) {
    const target = e.target as HTMLElement;
    const row = target.closest<HTMLElement>(".wf-row");
    if (!row) return;
    const id = row.dataset.spanId!;
    if (target.dataset.toggle) {
      this.toggle(id);
      return;
    }
    this.selected = id;
    this.render();
    this.focusSelected();
    this.cb.onSelect(id);
  }

  private onKey(e: KeyboardEvent) {
    if (!this.rows.length) return;
    let i = this.rows.findIndex((n) => n.span.spanID === this.selected);
    const node = i >= 0 ? this.rows[i] : null;
    switch (e.key) {
      case "ArrowDown":
        i = Math.min(this.rows.length - 1, i + 1);
        break;
      case "ArrowUp":
        i = Math.max(0, i - 1);
        break;
      case "Home":
        i = 0;
        break;
      case "End":
        i = this.rows.length - 1;
        break;
      case "PageDown":
        i = Math.min(this.rows.length - 1, i + Math.floor(this.scroller.clientHeight / ROW_HEIGHT));
        break;
      case "PageUp":
        i = Math.max(0, i - Math.floor(this.scroller.clientHeight / ROW_HEIGHT));
        break;
      case "Enter":
      case " ":
        if (node) this.toggle(node.span.spanID);
        this.focusSelected();
        e.preventDefault();
        return;
      case "ArrowRight":
        if (node && this.collapsed.has(node.span.spanID)) {
          this.toggle(node.span.spanID);
          this.focusSelected();
          e.preventDefault();
          return;
        }
        if (node?.children.length) i += 1;
        break;
      case "ArrowLeft":
        if (node && node.children.length && !this.collapsed.has(node.span.spanID)) {
          this.toggle(node.span.spanID);
          this.focusSelected();
          e.preventDefault();
          return;
        }
        if (node?.parent) i = this.rows.indexOf(node.parent);
        break;
      default:
        return;
    }
    e.preventDefault();
    if (i < 0) i = 0;
    const id = this.rows[i].span.spanID;
    if (id === this.selected) return;
    this.selected = id;
    this.scrollToRow(i);
    this.render();
    this.focusSelected();
    this.cb.onSelect(id);
  }
}
