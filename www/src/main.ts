import "./style.css";
import { loadEngine, newCorrelator, parseProvisioning, parseTrace, toShownError, traceLinks } from "./engine";
import { createEditor, yamlLineOf } from "./editor";
import { renderDetails, hidePopover, traceLinkButton } from "./details";
import { SAMPLES, sampleById } from "./samples/index.js";
import { decodeState, encodeState, type ViewState } from "./state";
import type { CorrelatorApi, Diagnostic, Link, ShownError, TraceHandle } from "./types";
import type { LinksRequest, LinksResponse } from "./links-worker";
import { buildModel, Waterfall, type TraceModel } from "./waterfall";

const DEFAULT_GRAFANA = "http://localhost:3000";
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// ---- state ---------------------------------------------------------------------------------------
const app = {
  sampleId: SAMPLES[0].id,
  settingsText: "",
  traceText: "",
  settingsEdited: false,
  traceEdited: false,
  correlator: null as CorrelatorApi | null,
  provisioning: null as unknown,
  settingsError: null as ShownError | null,
  diagnostics: [] as Diagnostic[],
  trace: null as TraceHandle | null,
  traceError: null as ShownError | null,
  model: null as TraceModel | null,
  links: new Map<string, Link[]>(),
  linksError: null as ShownError | null,
  linksPending: false,
  spanLinkCache: new Map<string, { links: Link[]; error?: ShownError }>(),
  linkMs: 0,
  selected: null as string | null,
  openSections: new Set<string>(),
};

// ---- theme ---------------------------------------------------------------------------------------
const themeBtn = $<HTMLButtonElement>("theme");
function currentTheme(): "light" | "dark" {
  const t = document.documentElement.dataset.theme;
  if (t === "light" || t === "dark") return t;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}
function applyTheme(t: string | null) {
  if (t === "light" || t === "dark") document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
  const cur = currentTheme();
  themeBtn.textContent = cur === "dark" ? "☀ Light" : "☾ Dark";
  themeBtn.setAttribute("aria-pressed", String(cur === "dark"));
}
let storedTheme: string | null = null;
try {
  storedTheme = localStorage.getItem("spanlink-theme");
} catch {
  /* storage may be unavailable */
}
applyTheme(new URLSearchParams(location.search).get("theme") ?? storedTheme);
themeBtn.addEventListener("click", () => {
  const next = currentTheme() === "dark" ? "light" : "dark";
  applyTheme(next);
  try {
    localStorage.setItem("spanlink-theme", next);
  } catch {
    /* ignore */
  }
});
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => applyTheme(document.documentElement.dataset.theme ?? null));

// ---- widgets -------------------------------------------------------------------------------------
const sampleSel = $<HTMLSelectElement>("sample");
for (const s of SAMPLES) sampleSel.append(new Option(s.title, s.id));
const grafanaInput = $<HTMLInputElement>("grafana-url");
const timing = $<HTMLOutputElement>("timing");
const detailsHost = $<HTMLElement>("details");

const settingsEditor = createEditor($("settings-editor"), "Provisioning YAML", (text) => {
  app.settingsText = text;
  app.settingsEdited = true;
  schedule("settings");
});
const traceEditor = createEditor($("trace-editor"), "Trace JSON", (text) => {
  app.traceText = text;
  app.traceEdited = true;
  schedule("trace");
});

const waterfall = new Waterfall($("waterfall"), {
  onSelect(id) {
    selectSpan(id, { fromWaterfall: true });
  },
});

// tabs
const tabs = [$<HTMLButtonElement>("tab-settings"), $<HTMLButtonElement>("tab-trace")];
function showTab(i: number) {
  tabs.forEach((t, k) => {
    t.setAttribute("aria-selected", String(k === i));
    t.tabIndex = k === i ? 0 : -1;
    $(t.getAttribute("aria-controls")!).hidden = k !== i;
  });
}
tabs.forEach((t, i) => {
  t.addEventListener("click", () => showTab(i));
  t.addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      const j = (i + 1) % 2;
      showTab(j);
      tabs[j].focus();
    }
  });
});
showTab(0);

// ---- recompute -----------------------------------------------------------------------------------
let timer = 0;
const dirty = new Set<"settings" | "trace">();
function schedule(what: "settings" | "trace") {
  dirty.add(what);
  window.clearTimeout(timer);
  timer = window.setTimeout(recompute, 150);
}

function rebuildSettings() {
  app.correlator?.free();
  app.correlator = null;
  app.provisioning = null;
  app.settingsError = null;
  app.diagnostics = [];
  try {
    const provisioning = parseProvisioning(app.settingsText);
    app.provisioning = provisioning;
    app.correlator = newCorrelator(provisioning, { appSubUrl: "" });
    app.diagnostics = app.correlator.diagnostics() ?? [];
  } catch (e) {
    app.settingsError = toShownError(e);
  }
}

function rebuildTrace() {
  app.trace?.free();
  app.trace = null;
  app.model = null;
  app.traceError = null;
  try {
    app.trace = parseTrace(app.traceText);
    app.model = buildModel(app.trace.spans());
  } catch (e) {
    app.traceError = toShownError(e);
  }
}

/** Above this many spans, traceLinks runs in a worker and the selected span's links come from spanLinks. */
const WORKER_THRESHOLD = 1500;
let worker: Worker | null = null;
let workerBusy = false;
let requestId = 0;

function computeLinks() {
  app.links = new Map();
  app.linksPending = false;
  app.linksError = null;
  app.linkMs = 0;
  if (!app.correlator || !app.trace || !app.model) return;
  if (app.model.spans.length > WORKER_THRESHOLD && typeof Worker !== "undefined") {
    computeLinksInWorker();
    return;
  }
  try {
    const t0 = performance.now();
    app.links = traceLinks(app.correlator, app.trace);
    app.linkMs = performance.now() - t0;
  } catch (e) {
    app.linksError = toShownError(e);
  }
}

function computeLinksInWorker() {
  // a worker still busy with an older document is dropped, not waited for
  if (worker && workerBusy) {
    worker.terminate();
    worker = null;
  }
  if (!worker) {
    worker = new Worker(new URL("./links-worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (e: MessageEvent<LinksResponse>) => {
      const r = e.data;
      if (r.id !== requestId) return;
      workerBusy = false;
      app.linksPending = false;
      if ("error" in r) app.linksError = r.error;
      else {
        app.links = r.links as Map<string, Link[]>;
        app.linkMs = r.ms;
      }
      renderProblems();
      renderTiming();
      updateLinkCounts();
      renderSelected();
    };
    worker.onerror = (e) => {
      workerBusy = false;
      app.linksPending = false;
      app.linksError = { code: "WORKER", path: "", message: e.message || "the links worker failed" };
      renderProblems();
      renderTiming();
    };
  }
  app.linksPending = true;
  workerBusy = true;
  const req: LinksRequest = { id: ++requestId, settings: app.settingsText, trace: app.traceText };
  worker.postMessage(req);
}

/** A span's links: from traceLinks when it has run, else from spanLinks (cached). */
function linksOf(spanId: string): { links: Link[]; error?: ShownError } {
  const known = app.links.get(spanId);
  if (known) return { links: known };
  if (app.settingsError) return { links: [], error: app.settingsError };
  if (app.linksError) return { links: [], error: app.linksError };
  if (!app.correlator || !app.trace) return { links: [] };
  let cached = app.spanLinkCache.get(spanId);
  if (!cached) {
    try {
      cached = { links: app.correlator.spanLinks(app.trace, spanId) };
    } catch (e) {
      cached = { links: [], error: toShownError(e) };
    }
    app.spanLinkCache.set(spanId, cached);
  }
  return cached;
}

function updateLinkCounts() {
  const counts = new Map<string, number>();
  for (const [id, ls] of app.links) counts.set(id, ls.length);
  waterfall.setLinkCounts(counts);
}

function recompute() {
  const traceChanged = dirty.has("trace");
  if (dirty.has("settings")) rebuildSettings();
  if (traceChanged) rebuildTrace();
  dirty.clear();
  app.spanLinkCache.clear();
  computeLinks();
  renderProblems();
  renderTiming();
  if (traceChanged) {
    waterfall.setModel(app.model);
    runSearch(false);
  }
  renderTraceHeader();
  updateLinkCounts();
  if (app.model && (!app.selected || !app.model.byId.has(app.selected))) app.selected = app.model.roots[0]?.span.spanID ?? null;
  if (traceChanged) waterfall.select(app.selected);
  renderSelected();
  saveState();
}

// ---- rendering -----------------------------------------------------------------------------------
function problemItem(severity: string, code: string, path: string, message: string, suggestion?: string, knownLine?: number): HTMLElement {
  const li = document.createElement("li");
  li.className = `problem ${severity}`;
  li.dataset.code = code;
  li.dataset.path = path;
  const head = document.createElement("div");
  head.className = "problem-head";
  const sev = document.createElement("span");
  sev.className = `badge ${severity}`;
  sev.textContent = severity;
  const c = document.createElement("code");
  c.className = "problem-code";
  c.textContent = code;
  head.append(sev, c);
  if (path || knownLine) {
    const line = knownLine ?? yamlLineOf(app.settingsText, path);
    const p = document.createElement(line ? "button" : "code");
    p.className = "problem-path";
    p.textContent = path ? path + (line ? ` · line ${line}` : "") : `line ${line}`;
    if (line && p instanceof HTMLButtonElement) {
      p.type = "button";
      p.title = "Show in the editor";
      p.addEventListener("click", () => {
        showTab(0);
        settingsEditor.revealLine(line);
      });
    }
    head.append(p);
  }
  const m = document.createElement("p");
  m.className = "problem-msg";
  m.textContent = message;
  li.append(head, m);
  if (suggestion) {
    const s = document.createElement("p");
    s.className = "problem-suggestion";
    s.textContent = `→ ${suggestion}`;
    li.append(s);
  }
  return li;
}

function renderProblems() {
  const host = $("settings-problems");
  host.replaceChildren();
  const marks: number[] = [];
  const list = document.createElement("ul");
  if (app.settingsError) {
    const e = app.settingsError;
    list.append(problemItem("error", e.code, e.path, e.message, undefined, e.line));
    const l = e.line ?? yamlLineOf(app.settingsText, e.path);
    if (l) marks.push(l);
  }
  if (app.linksError) list.append(problemItem("error", app.linksError.code, app.linksError.path, app.linksError.message));
  const order = { error: 0, warning: 1, hint: 2 } as Record<string, number>;
  for (const d of [...app.diagnostics].sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3))) {
    // The engine locates each finding in the YAML (parseProvisioning's positions); the text
    // search is the fallback for findings without a place.
    const l = d.source?.line ?? yamlLineOf(app.settingsText, d.path);
    list.append(problemItem(d.severity, d.code, d.path, d.message, d.suggestion, l));
    if (l && d.severity !== "hint") marks.push(l);
  }
  const title = document.createElement("h3");
  const n = list.children.length;
  title.textContent = n ? `Problems (${n})` : "No problems found in the settings";
  title.className = n ? "" : "ok";
  host.append(title);
  if (n) host.append(list);
  settingsEditor.markLines(marks);

  const th = $("trace-problems");
  th.replaceChildren();
  if (app.traceError) {
    const ul = document.createElement("ul");
    ul.append(problemItem("error", app.traceError.code, app.traceError.path, app.traceError.message));
    th.append(ul);
  }
}

function renderTiming() {
  if (!app.model || !app.correlator) {
    timing.textContent = app.settingsError || app.traceError ? "no links: see the problems" : "";
    return;
  }
  const n = app.model.spans.length;
  if (app.linksPending) {
    timing.textContent = `computing links for ${n.toLocaleString("en-US")} spans…`;
    delete timing.dataset.ms;
    return;
  }
  if (app.linksError) {
    timing.textContent = "no links: see the problems";
    delete timing.dataset.ms;
    return;
  }
  let total = 0;
  for (const ls of app.links.values()) total += ls.length;
  const ms = app.linkMs < 10 ? app.linkMs.toFixed(1) : Math.round(app.linkMs).toString();
  timing.textContent = `${total.toLocaleString("en-US")} links for ${n.toLocaleString("en-US")} spans in ${ms} ms`;
  timing.dataset.ms = String(app.linkMs);
  timing.dataset.spans = String(n);
}

function renderTraceHeader() {
  const host = $("trace-header");
  host.replaceChildren();
  const m = app.model;
  if (!m) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = app.traceError ? "The trace could not be read: see the Trace tab." : "No trace.";
    host.append(p);
    return;
  }
  const root = m.roots[0]?.span;
  const h2 = document.createElement("h2");
  h2.textContent = root ? `${root.serviceName}: ${root.operationName}` : "Trace";
  const meta = document.createElement("p");
  meta.className = "meta";
  const dur = (m.end - m.start) / 1000;
  const started = new Date(m.start / 1000).toISOString().replace("T", " ").replace("Z", " UTC");
  const errors = m.spans.filter((s) => s.statusCode === "ERROR").length;
  meta.innerHTML = "";
  const bits = [
    `Trace <code>${m.traceId}</code>`,
    started,
    `Duration ${dur < 1000 ? dur.toFixed(1) + " ms" : (dur / 1000).toFixed(2) + " s"}`,
    `${m.services.length} service${m.services.length === 1 ? "" : "s"}`,
    `${m.spans.length.toLocaleString("en-US")} spans`,
  ];
  if (errors) bits.push(`<span class="error-text">${errors} error${errors > 1 ? "s" : ""}</span>`);
  meta.innerHTML = bits.map((b) => `<span>${b}</span>`).join("");
  host.append(h2, meta);
  // Grafana's trace-level "Logs for this trace" (from the root span's tags, trace id only)
  if (app.correlator?.traceLogsLink && app.trace) {
    let link: Link | null = null;
    try {
      link = app.correlator.traceLogsLink(app.trace) ?? null;
    } catch {
      link = null;
    }
    if (link) {
      const a = traceLinkButton(link, grafanaInput.value || DEFAULT_GRAFANA);
      a.id = "trace-logs";
      h2.append(a);
    }
  }
}

function lokiDatasource(): { uid: string; name: string } | null {
  const p = app.provisioning as { datasources?: { uid?: string; name?: string; type?: string }[] } | null;
  const ds = p?.datasources?.find((d) => d.type === "loki");
  if (!ds) return null;
  return { uid: ds.uid ?? ds.name ?? "", name: ds.name ?? ds.uid ?? "Loki" };
}

function renderSelected() {
  const m = app.model;
  const id = app.selected;
  const node = id && m ? m.byId.get(id) : undefined;
  hidePopover();
  if (!node || !m || !app.trace) {
    renderDetails(detailsHost, null, app.openSections);
    return;
  }
  const span = node.span;
  const spanLinks = linksOf(span.spanID);
  const correlator = app.correlator;
  const trace = app.trace;
  const loki = lokiDatasource();
  const attr = (k: string) => {
    const kv = [...span.serviceTags, ...span.tags].find((t) => t.key === k);
    return kv ? String(kv.value) : undefined;
  };
  renderDetails(
    detailsHost,
    {
      model: m,
      span,
      links: spanLinks.links,
      linksError: spanLinks.error,
      explain: () => {
        if (!correlator) throw new Error("The settings have an error (see Problems): no rule to explain.");
        return correlator.explain(trace, span.spanID);
      },
      grafanaUrl: grafanaInput.value || DEFAULT_GRAFANA,
      onNavigate: (sid) => selectSpan(sid, { focus: true }),
      logLine:
        loki && correlator?.logLinks
          ? {
              datasourceName: loki.name,
              initial: `level=info ts=${new Date(span.startTime / 1000).toISOString()} msg="${span.operationName}" customer=${attr("app.customer.id") ?? "c-1001"} trace_id=${span.traceID} span_id=${span.spanID}`,
              compute: (line: string) => {
                try {
                  const labels: Record<string, string> = {};
                  const svc = attr("service.name");
                  const ns = attr("k8s.namespace.name");
                  const pod = attr("k8s.pod.name");
                  if (svc) labels.service_name = svc;
                  if (ns) labels.namespace = ns;
                  if (pod) labels.pod = pod;
                  const from = Math.floor(span.startTime / 1000);
                  return correlator.logLinks!(loki.uid, line, labels, { from: from - 60_000, to: from + 60_000 });
                } catch (e) {
                  const se = toShownError(e);
                  return { error: `${se.code}${se.path ? ` at ${se.path}` : ""}: ${se.message}` };
                }
              },
            }
          : undefined,
    },
    app.openSections,
  );
}

function selectSpan(id: string, opts: { fromWaterfall?: boolean; focus?: boolean } = {}) {
  app.selected = id;
  if (!opts.fromWaterfall) waterfall.select(id, { focus: opts.focus });
  renderSelected();
  saveState();
}

// ---- search --------------------------------------------------------------------------------------
const search = $<HTMLInputElement>("search");
const searchCount = $<HTMLOutputElement>("search-count");
let matchList: string[] = [];
function runSearch(jump: boolean) {
  const q = search.value.trim().toLowerCase();
  const m = app.model;
  if (!q || !m) {
    matchList = [];
    waterfall.setMatches(null);
    searchCount.textContent = "";
    return;
  }
  const terms = q.split(/\s+/);
  matchList = [];
  // in tree order, so ↓ walks the waterfall top to bottom
  const stack = [...m.roots].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (terms.every((t) => n.search.includes(t))) matchList.push(n.span.spanID);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  waterfall.setMatches(new Set(matchList));
  searchCount.textContent = `${matchList.length.toLocaleString("en-US")} match${matchList.length === 1 ? "" : "es"}`;
  if (jump && matchList.length) step(1, true);
}
function step(dir: number, fromStart = false) {
  if (!matchList.length) return;
  const cur = fromStart ? -1 : matchList.indexOf(app.selected ?? "");
  const i = cur < 0 ? (dir > 0 ? 0 : matchList.length - 1) : (cur + dir + matchList.length) % matchList.length;
  selectSpan(matchList[i]);
}
let searchTimer = 0;
search.addEventListener("input", () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => runSearch(false), 120);
});
search.addEventListener("keydown", (e) => {
  if (e.key === "Enter") {
    e.preventDefault();
    runSearch(false);
    step(e.shiftKey ? -1 : 1);
  }
});
$("search-next").addEventListener("click", () => step(1));
$("search-prev").addEventListener("click", () => step(-1));
$("collapse-all").addEventListener("click", () => waterfall.collapseAll());
$("expand-all").addEventListener("click", () => waterfall.expandAll());

// ---- samples, URL state, file drop ---------------------------------------------------------------
function loadSample(id: string, state?: ViewState) {
  const sample = sampleById(id) ?? SAMPLES[0];
  app.sampleId = sample.id;
  sampleSel.value = sample.id;
  app.settingsText = state?.settings ?? sample.settings;
  app.settingsEdited = state?.settings !== undefined;
  app.traceText = state?.trace ?? sample.trace();
  app.traceEdited = state?.trace !== undefined;
  settingsEditor.setValue(app.settingsText);
  traceEditor.setValue(app.traceText);
  app.selected = state?.span ?? sample.selected();
  document.body.classList.toggle("large", !!sample.large);
  dirty.add("settings");
  dirty.add("trace");
  window.clearTimeout(timer);
  recompute();
}

sampleSel.addEventListener("change", () => loadSample(sampleSel.value));

let saveTimer = 0;
function saveState() {
  window.clearTimeout(saveTimer);
  saveTimer = window.setTimeout(async () => {
    const sample = sampleById(app.sampleId);
    const st: ViewState = { sample: app.sampleId, span: app.selected ?? undefined };
    if (app.settingsEdited && app.settingsText !== sample?.settings) st.settings = app.settingsText;
    // a pasted trace goes into the link while it is reasonably small
    if (app.traceEdited && app.traceText.length < 300_000) st.trace = app.traceText;
    const g = grafanaInput.value.trim();
    if (g && g !== DEFAULT_GRAFANA) st.grafana = g;
    const hash = "#" + (await encodeState(st));
    if (hash !== location.hash) history.replaceState(null, "", hash);
  }, 250);
}

grafanaInput.addEventListener("input", () => {
  renderSelected();
  renderTraceHeader();
  saveState();
});

$("share").addEventListener("click", async () => {
  window.clearTimeout(saveTimer);
  const btn = $<HTMLButtonElement>("share");
  try {
    await navigator.clipboard.writeText(location.href);
    btn.textContent = "Copied";
  } catch {
    btn.textContent = "Link in the address bar";
  }
  window.setTimeout(() => (btn.textContent = "Copy link"), 1500);
});

const drop = $("drop");
let dragDepth = 0;
window.addEventListener("dragenter", (e) => {
  if (!e.dataTransfer?.types.includes("Files")) return;
  dragDepth++;
  drop.hidden = false;
});
window.addEventListener("dragleave", () => {
  if (--dragDepth <= 0) {
    dragDepth = 0;
    drop.hidden = true;
  }
});
window.addEventListener("dragover", (e) => e.preventDefault());
window.addEventListener("drop", async (e) => {
  e.preventDefault();
  dragDepth = 0;
  drop.hidden = true;
  const files = [...(e.dataTransfer?.files ?? [])];
  const file = files[0];
  if (!file) return;
  const yamlFiles = files.filter((f) => /\.ya?ml$/i.test(f.name));
  if (yamlFiles.length > 0) {
    // Several provisioning files (e.g. mimir.yaml, tempo.yaml, loki.yaml) become one
    // multi-document text, in name order as Grafana reads a directory.
    yamlFiles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const texts = await Promise.all(yamlFiles.map(async (f) => `# ${f.name}\n${(await f.text()).replace(/\n?$/, "\n")}`));
    const text = yamlFiles.length === 1 ? await yamlFiles[0].text() : texts.join("---\n");
    settingsEditor.setValue(text);
    app.settingsText = text;
    app.settingsEdited = true;
    showTab(0);
    schedule("settings");
  } else {
    const text = await file.text();
    traceEditor.setValue(text);
    app.traceText = text;
    app.traceEdited = true;
    app.selected = null;
    showTab(1);
    schedule("trace");
  }
});

// ---- start ---------------------------------------------------------------------------------------
async function start() {
  const state = await decodeState(location.hash);
  if (state?.grafana) grafanaInput.value = state.grafana;
  try {
    await loadEngine();
  } catch (e) {
    timing.textContent = `spanlink failed to load: ${toShownError(e).message}`;
    return;
  }
  loadSample(state?.sample ?? SAMPLES[0].id, state ?? undefined);
  document.body.dataset.ready = "true";
}

window.addEventListener("hashchange", async () => {
  const state = await decodeState(location.hash);
  if (!state) return;
  const sample = sampleById(state.sample);
  const same =
    state.sample === app.sampleId &&
    (state.settings ?? sample?.settings) === app.settingsText &&
    (state.trace === undefined ? !app.traceEdited : state.trace === app.traceText);
  if (same) {
    if (state.span && state.span !== app.selected) selectSpan(state.span);
  } else loadSample(state.sample, state);
});

void start();
