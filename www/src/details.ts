// The span details panel: the link buttons Grafana's trace view shows, attributes, events, span
// links, and the "Why no … link?" report.
import { h } from "./dom";
import type { Explanation, KeyValue, Link, Span } from "./types";
import { formatDuration, serviceColor, type TraceModel } from "./waterfall";

export interface DetailsContext {
  model: TraceModel;
  span: Span;
  links: Link[];
  linksError?: { code: string; path: string; message: string };
  explain: () => Explanation[];
  grafanaUrl: string;
  onNavigate(spanId: string): void;
  logLine?: {
    initial: string;
    datasourceName: string;
    compute(line: string): Link[] | { error: string };
  };
}

export function valueText(v: unknown): string {
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** A link's href made absolute against the Grafana base URL (external URLs are kept). */
export function resolveHref(href: string, grafanaUrl: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return href;
  const base = grafanaUrl.trim().replace(/\/+$/, "");
  return base + (href.startsWith("/") ? href : "/" + href);
}

/** The query text Grafana would show for a link's query object. */
export function queryText(link: Link): string {
  const q = link.internal?.query ?? {};
  for (const k of ["expr", "query", "lsql", "labelSelector", "rawSql", "queryText"]) {
    const v = (q as Record<string, unknown>)[k];
    if (typeof v === "string") return v;
  }
  return JSON.stringify(q);
}

/** `left=` state of an Explore href, parsed (null when the href has none). */
export function exploreState(href: string): {
  datasource?: string;
  queries?: Record<string, unknown>[];
  panelsState?: { trace?: { spanId?: string } };
} | null {
  const m = /[?&]left=([^&#]*)/.exec(href);
  if (!m) return null;
  try {
    return JSON.parse(decodeURIComponent(m[1]));
  } catch {
    return null;
  }
}

export function buttonLabel(link: Link): string {
  if (link.type === "logs") return "Logs for this span";
  if (link.type === "profiles" && link.title === "Related profiles")
    return "Profiles for this span";
  if (link.type === "metrics") return link.title || "Metrics";
  return link.title || link.internal?.datasourceName || link.href;
}

const GROUPS: { name: string; types: string[] }[] = [
  { name: "Logs", types: ["logs"] },
  { name: "Metrics", types: ["metrics"] },
  { name: "Profiles", types: ["profiles"] },
  { name: "Correlations", types: ["correlation", "external"] },
  { name: "Linked spans", types: ["traces"] },
  { name: "Session", types: ["session"] },
];

const ICON: Record<string, string> = {
  logs: "≣",
  metrics: "∿",
  profiles: "🔥",
  correlation: "⇄",
  external: "↗",
  traces: "⤷",
  session: "◉",
};

function iso(ms: number) {
  try {
    return new Date(ms).toISOString();
  } catch {
    return String(ms);
  }
}

/** The popover content for a link: data source, query, time range, rule. */
export function linkPopover(link: Link): HTMLElement {
  const box = h("div", { class: "pop" });
  const rows: [string, Node | string][] = [];
  if (link.internal) {
    rows.push([
      "Data source",
      h(
        "span",
        {},
        h("strong", {}, link.internal.datasourceName),
        ` · ${link.internal.datasourceType}`,
      ),
    ]);
    rows.push(["Query", h("code", { class: "pop-query" }, queryText(link))]);
    if (link.internal.range) {
      const { from, to } = link.internal.range;
      rows.push([
        "Range",
        h(
          "span",
          {},
          h("time", {}, iso(from)),
          " → ",
          h("time", {}, iso(to)),
          h("span", { class: "muted" }, ` (${formatDuration((to - from) * 1000)})`),
        ),
      ]);
    } else rows.push(["Range", h("span", { class: "muted" }, "none (Explore default)")]);
  } else {
    rows.push(["URL", h("code", { class: "pop-query" }, link.href)]);
  }
  rows.push([
    "Rule",
    h(
      "span",
      {},
      h("code", {}, link.origin),
      h("span", { class: "muted" }, ` · type ${link.type}`),
    ),
  ]);
  const dl = h("dl");
  for (const [k, v] of rows) dl.append(h("dt", {}, k), h("dd", {}, v));
  box.append(dl);
  return box;
}

function attrTable(kvs: KeyValue[], empty: string): HTMLElement {
  if (!kvs.length) return h("p", { class: "muted" }, empty);
  const t = h("table", { class: "kv" });
  const body = h("tbody");
  for (const kv of kvs)
    body.append(h("tr", {}, h("th", { scope: "row" }, kv.key), h("td", {}, valueText(kv.value))));
  t.append(body);
  return t;
}

function section(title: string, open: boolean, ...kids: (Node | string)[]): HTMLDetailsElement {
  const d = h("details", { class: "section" });
  d.open = open;
  d.append(h("summary", {}, title), ...kids);
  return d;
}

function linkButton(link: Link, ctx: DetailsContext): HTMLElement {
  const href = resolveHref(link.href, ctx.grafanaUrl);
  const a = h(
    "a",
    { class: `link-btn t-${link.type}`, href, "data-type": link.type, "data-origin": link.origin },
    h("span", { class: "icon", "aria-hidden": "true" }, ICON[link.type] ?? "•"),
    buttonLabel(link),
  );
  if (link.target === "_blank" || !link.internal) {
    a.target = "_blank";
    a.rel = "noopener noreferrer";
  }
  if (link.type === "traces") {
    const st = exploreState(link.href);
    const q = st?.queries?.[0]?.query;
    const spanId = st?.panelsState?.trace?.spanId;
    if (q === ctx.model.traceId && spanId && ctx.model.byId.has(spanId)) {
      a.dataset.inTrace = spanId;
      a.title = "Go to the linked span in this trace";
      a.addEventListener("click", (e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        ctx.onNavigate(spanId);
      });
    }
  }
  a.addEventListener("mouseenter", () => showPopover(a, link));
  a.addEventListener("focus", () => showPopover(a, link));
  a.addEventListener("mouseleave", hidePopover);
  a.addEventListener("blur", hidePopover);
  return a;
}

/** A link button outside a span (the trace-level logs link). */
export function traceLinkButton(link: Link, grafanaUrl: string): HTMLAnchorElement {
  const a = h(
    "a",
    {
      class: `link-btn small t-${link.type}`,
      href: resolveHref(link.href, grafanaUrl),
      "data-type": link.type,
      "data-origin": link.origin,
    },
    h("span", { class: "icon", "aria-hidden": "true" }, ICON[link.type] ?? "•"),
    link.title || "Logs for this trace",
  );
  a.addEventListener("mouseenter", () => showPopover(a, link));
  a.addEventListener("focus", () => showPopover(a, link));
  a.addEventListener("mouseleave", hidePopover);
  a.addEventListener("blur", hidePopover);
  return a;
}

let popTimer = 0;
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") {
    const pop = document.getElementById("popover");
    if (pop) pop.hidden = true;
  }
});
export function showPopover(anchor: HTMLElement, link: Link) {
  window.clearTimeout(popTimer);
  const pop = document.getElementById("popover")!;
  pop.replaceChildren(linkPopover(link));
  pop.hidden = false;
  const r = anchor.getBoundingClientRect();
  const pw = Math.min(460, window.innerWidth - 16);
  pop.style.maxWidth = `${pw}px`;
  const left = Math.max(8, Math.min(r.left, window.innerWidth - pw - 8));
  pop.style.left = `${left}px`;
  const below = r.bottom + 6;
  pop.style.top = `${below}px`;
  const ph = pop.getBoundingClientRect().height;
  if (below + ph > window.innerHeight - 8) pop.style.top = `${Math.max(8, r.top - ph - 6)}px`;
  anchor.setAttribute("aria-describedby", "popover");
}

export function hidePopover() {
  popTimer = window.setTimeout(() => {
    const pop = document.getElementById("popover");
    if (pop) pop.hidden = true;
  }, 80);
}

function linkButtons(links: Link[], ctx: DetailsContext): HTMLElement {
  const wrap = h("div", { class: "links", role: "group", "aria-label": "Links for this span" });
  if (!links.length) {
    wrap.append(h("p", { class: "muted" }, "No links for this span. See “Why no … link?” below."));
    return wrap;
  }
  const used = new Set<Link>();
  // a correlation keeps its place among correlations even when Grafana types it `profiles`
  // (every data link of a span with a profile id is typed so, docs/grafana.md §3.5)
  // and the profile rule's link stays among profiles when Grafana types it as a plain data link
  // (span without a profile id): the button then keeps its title instead of "Profiles for this span"
  const groupType = (l: Link) => {
    if (/correlations\[/.test(l.origin) && l.type === "profiles") return "correlation";
    if (/tracesToProfiles/.test(l.origin)) return "profiles";
    return l.type;
  };
  for (const g of GROUPS) {
    const ls = links.filter((l) => g.types.includes(groupType(l)));
    if (!ls.length) continue;
    ls.forEach((l) => used.add(l));
    wrap.append(
      h(
        "div",
        { class: "link-group" },
        h("span", { class: "group-name" }, g.name),
        ...ls.map((l) => linkButton(l, ctx)),
      ),
    );
  }
  const rest = links.filter((l) => !used.has(l));
  if (rest.length)
    wrap.append(
      h(
        "div",
        { class: "link-group" },
        h("span", { class: "group-name" }, "Other"),
        ...rest.map((l) => linkButton(l, ctx)),
      ),
    );
  return wrap;
}

function explanations(ctx: DetailsContext): HTMLDetailsElement {
  const d = section("Why no … link?", false);
  d.classList.add("explain");
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    let list: Explanation[];
    try {
      list = ctx.explain();
    } catch (e) {
      d.append(h("p", { class: "error-text" }, String((e as Error).message ?? e)));
      return;
    }
    if (!list.length) {
      d.append(
        h("p", { class: "muted" }, "No link rule is configured for the tracing data source."),
      );
      return;
    }
    const ul = h("ul", { class: "rules" });
    // the rules that made no link first: that is what the panel is asked about
    const sorted = [
      ...list.filter((x) => x.outcome !== "link"),
      ...list.filter((x) => x.outcome === "link"),
    ];
    const none = sorted.filter((x) => x.outcome !== "link").length;
    d.append(
      h(
        "p",
        { class: "muted small" },
        `${none} rule${none === 1 ? "" : "s"} made no link, ${list.length - none} made one.`,
      ),
    );
    for (const ex of sorted) {
      const li = h("li", { class: `rule ${ex.outcome}`, "data-code": ex.code });
      li.append(
        h(
          "div",
          { class: "rule-head" },
          h("span", { class: `badge ${ex.outcome}` }, ex.outcome === "link" ? "link" : "no link"),
          h("code", { class: "rule-code" }, ex.code),
          h("code", { class: "rule-origin muted" }, ex.origin),
        ),
        h("p", { class: "rule-msg" }, ex.message),
      );
      if (ex.variables?.length) {
        const t = h("table", { class: "kv vars" });
        const body = h("tbody");
        for (const v of ex.variables) {
          body.append(
            h(
              "tr",
              {},
              h("th", { scope: "row" }, h("code", {}, v.name)),
              h(
                "td",
                {},
                v.value === null ? h("span", { class: "missing" }, "not found") : v.value,
              ),
              h("td", { class: "muted" }, v.path ?? ""),
            ),
          );
        }
        t.append(body);
        li.append(t);
      }
      ul.append(li);
    }
    d.append(ul);
  };
  d.addEventListener("toggle", () => d.open && fill());
  (d as HTMLElement & { fill?: () => void }).fill = fill;
  return d;
}

function logLineSection(ctx: DetailsContext): HTMLDetailsElement | null {
  const ll = ctx.logLine;
  if (!ll) return null;
  const d = section(`Log line → links (${ll.datasourceName})`, false);
  const ta = h("textarea", {
    class: "logline",
    rows: "3",
    spellcheck: "false",
    "aria-label": "A log line of this span",
  }) as HTMLTextAreaElement;
  ta.value = ll.initial;
  const out = h("div", { class: "links" });
  const run = () => {
    const r = ll.compute(ta.value);
    out.replaceChildren();
    if ("error" in r) out.append(h("p", { class: "error-text" }, r.error));
    else if (!r.length)
      out.append(h("p", { class: "muted" }, "No derived field or correlation matches this line."));
    else out.append(h("div", { class: "link-group" }, ...r.map((l) => linkButton(l, ctx))));
  };
  ta.addEventListener("input", run);
  d.addEventListener("toggle", () => d.open && run(), { once: true });
  d.append(
    h(
      "p",
      { class: "muted small" },
      "What Loki's derived fields and log correlations make of a line:",
    ),
    ta,
    out,
  );
  return d;
}

export function renderDetails(
  host: HTMLElement,
  ctx: DetailsContext | null,
  keepOpen: Set<string>,
) {
  host.replaceChildren();
  if (!ctx) {
    host.append(h("div", { class: "empty" }, h("p", {}, "Select a span to see its links.")));
    return;
  }
  const { span: s, model } = ctx;
  const color = serviceColor(model, s.serviceName);
  const head = h(
    "div",
    { class: "details-head" },
    h(
      "h2",
      { id: "details-title" },
      h("span", { class: "svc-chip", style: `background:${color}` }),
      s.operationName,
    ),
    h(
      "p",
      { class: "meta" },
      h("span", {}, h("strong", {}, s.serviceName)),
      h("span", {}, `Duration ${formatDuration(s.duration)}`),
      h("span", {}, `Start +${formatDuration(s.startTime - model.start)}`),
      s.kind ? h("span", {}, `Kind ${s.kind}`) : null,
      h("span", {}, "Span ", h("code", { class: "span-id" }, s.spanID)),
    ),
  );
  if (s.statusCode === "ERROR")
    head.append(
      h(
        "p",
        { class: "status-error" },
        "Status ERROR",
        s.statusMessage ? `: ${s.statusMessage}` : "",
      ),
    );
  host.append(head);
  if (ctx.linksError) {
    const e = ctx.linksError;
    host.append(
      h(
        "p",
        { class: "links-error error-text" },
        `No links: ${e.code}${e.path ? ` at ${e.path}` : ""}: ${e.message}`,
      ),
    );
  } else host.append(linkButtons(ctx.links, ctx));

  const refs = s.references.filter((r) => r.refType !== "CHILD_OF");
  const sections: [string, HTMLDetailsElement][] = [
    [
      "attributes",
      section(`Span attributes (${s.tags.length})`, true, attrTable(s.tags, "No attributes.")),
    ],
    [
      "resource",
      section(
        `Resource attributes (${s.serviceTags.length})`,
        false,
        attrTable(s.serviceTags, "No resource attributes."),
      ),
    ],
  ];
  const events = h("div", { class: "events" });
  if (!s.logs.length) events.append(h("p", { class: "muted" }, "No events."));
  for (const ev of s.logs) {
    events.append(
      h(
        "div",
        { class: "event" },
        h(
          "div",
          { class: "event-head" },
          h("span", { class: "muted" }, `+${formatDuration(ev.timestamp - s.startTime)}`),
          h("strong", {}, ev.name ?? "event"),
        ),
        attrTable(ev.fields, ""),
      ),
    );
  }
  sections.push([
    "events",
    section(`Events (${s.logs.length})`, s.logs.length > 0 && s.logs.length < 4, events),
  ]);
  const refList = h("ul", { class: "refs" });
  if (!refs.length) refList.append(h("li", { class: "muted" }, "No span links."));
  for (const r of refs) {
    const inTrace = r.traceID === model.traceId && model.byId.has(r.spanID);
    const target = inTrace ? model.byId.get(r.spanID)!.span : null;
    const li = h(
      "li",
      {},
      h("span", { class: "badge" }, r.refType),
      " ",
      target
        ? `${target.serviceName}: ${target.operationName}`
        : h("code", {}, `${r.traceID.slice(0, 16)}… / ${r.spanID}`),
    );
    if (inTrace) {
      const b = h("button", { class: "btn small", type: "button" }, "Go to span");
      b.addEventListener("click", () => ctx.onNavigate(r.spanID));
      li.append(" ", b);
    } else li.append(h("span", { class: "muted" }, " (another trace)"));
    if (r.tags?.length) li.append(attrTable(r.tags, ""));
    refList.append(li);
  }
  sections.push(["refs", section(`Span links (${refs.length})`, refs.length > 0, refList)]);
  const ex = explanations(ctx);
  sections.push(["explain", ex]);
  const ll = logLineSection(ctx);
  if (ll) sections.push(["logline", ll]);
  for (const [key, el] of sections) {
    el.dataset.key = key;
    if (keepOpen.has(key)) (el as HTMLDetailsElement).open = true;
    el.addEventListener("toggle", () => {
      if ((el as HTMLDetailsElement).open) keepOpen.add(key);
      else keepOpen.delete(key);
    });
    host.append(el);
  }
  if ((ex as HTMLDetailsElement).open) (ex as HTMLElement & { fill?: () => void }).fill?.();
}
