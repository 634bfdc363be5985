// Above the waterfall: the trace's title, facts and "Logs for this trace"; in the top bar, the
// time traceLinks took.
import { grafanaBase, type AppState } from "./app-state";
import { traceLinkButton } from "./details";
import { h } from "./dom";
import type { Link } from "./types";

const count = (n: number) => n.toLocaleString("en-US");

export function renderTiming(el: HTMLOutputElement, state: AppState) {
  if (!state.model || !state.correlator) {
    el.textContent = state.settingsError || state.traceError ? "no links: see the problems" : "";
    return;
  }
  const n = state.model.spans.length;
  if (state.linksPending) {
    el.textContent = `computing links for ${count(n)} spans…`;
    delete el.dataset.ms;
    return;
  }
  if (state.linksError) {
    el.textContent = "no links: see the problems";
    delete el.dataset.ms;
    return;
  }
  let total = 0;
  for (const ls of state.links.values()) total += ls.length;
  const ms = state.linkMs < 10 ? state.linkMs.toFixed(1) : Math.round(state.linkMs).toString();
  el.textContent = `${count(total)} links for ${count(n)} spans in ${ms} ms`;
  el.dataset.ms = String(state.linkMs);
  el.dataset.spans = String(n);
}

export function renderTraceHeader(host: HTMLElement, state: AppState) {
  const m = state.model;
  if (!m) {
    const text = state.traceError ? "The trace could not be read: see the Trace tab." : "No trace.";
    host.replaceChildren(h("p", { class: "muted" }, text));
    return;
  }
  const root = m.roots[0]?.span;
  const title = h("h2", {}, root ? `${root.serviceName}: ${root.operationName}` : "Trace");
  const dur = (m.end - m.start) / 1000;
  const started = new Date(m.start / 1000).toISOString().replace("T", " ").replace("Z", " UTC");
  const errors = m.spans.filter((s) => s.statusCode === "ERROR").length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const meta = h(
    "p",
    { class: "meta" },
    h("span", {}, "Trace ", h("code", {}, m.traceId)),
    h("span", {}, started),
    h(
      "span",
      {},
      `Duration ${dur < 1000 ? dur.toFixed(1) + " ms" : (dur / 1000).toFixed(2) + " s"}`,
    ),
    h("span", {}, plural(m.services.length, "service")),
    h("span", {}, `${count(m.spans.length)} spans`),
    errors ? h("span", {}, h("span", { class: "error-text" }, plural(errors, "error"))) : null,
  );
  host.replaceChildren(title, meta);
  // Grafana's trace-level "Logs for this trace" (from the root span's tags, trace id only)
  const link = traceLogsLink(state);
  if (link) {
    const a = traceLinkButton(link, grafanaBase(state));
    a.id = "trace-logs";
    title.append(a);
  }
}

function traceLogsLink(state: AppState): Link | null {
  if (!state.correlator?.traceLogsLink || !state.trace) return null;
  try {
    return state.correlator.traceLogsLink(state.trace) ?? null;
  } catch {
    return null; // the span panel and the problems show what went wrong
  }
}
