// The selected span's panel: its links, the "Why no … link?" report and the log-line tester,
// drawn by details.ts from what the state and the links client know.
import { grafanaBase, provisionedDatasources, type AppState } from "./app-state";
import { hidePopover, renderDetails, type DetailsContext } from "./details";
import { toShownError } from "./engine";
import type { LinksClient } from "./links-client";
import type { CorrelatorApi, Span } from "./types";

export function renderSpanPanel(
  host: HTMLElement,
  state: AppState,
  links: LinksClient,
  onNavigate: (spanId: string) => void,
) {
  const { model, trace, correlator } = state;
  const node = state.selected && model ? model.byId.get(state.selected) : undefined;
  hidePopover();
  if (!node || !model || !trace) {
    renderDetails(host, null, state.openSections);
    return;
  }
  const span = node.span;
  const spanLinks = links.linksOf(span.spanID);
  const loki = provisionedDatasources(state).find((d) => d.type === "loki");
  renderDetails(
    host,
    {
      model,
      span,
      links: spanLinks.links,
      linksError: spanLinks.error,
      explain: () => {
        if (!correlator)
          throw new Error("The settings have an error (see Problems): no rule to explain.");
        return correlator.explain(trace, span.spanID);
      },
      grafanaUrl: grafanaBase(state),
      onNavigate,
      logLine: loki && correlator?.logLinks ? logLineTester(correlator, loki, span) : undefined,
    },
    state.openSections,
  );
}

/** A log line as the span's service would write it, and the links Loki's derived fields make. */
function logLineTester(
  correlator: CorrelatorApi,
  loki: { uid: string; name: string },
  span: Span,
): DetailsContext["logLine"] {
  const attr = (k: string) => {
    const kv = [...span.serviceTags, ...span.tags].find((t) => t.key === k);
    return kv ? String(kv.value) : undefined;
  };
  const ts = new Date(span.startTime / 1000).toISOString();
  const customer = attr("app.customer.id") ?? "c-1001";
  return {
    datasourceName: loki.name,
    initial: `level=info ts=${ts} msg="${span.operationName}" customer=${customer} trace_id=${span.traceID} span_id=${span.spanID}`,
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
        return correlator.logLinks!(loki.uid, line, labels, {
          from: from - 60_000,
          to: from + 60_000,
        });
      } catch (e) {
        const se = toShownError(e);
        return { error: `${se.code}${se.path ? ` at ${se.path}` : ""}: ${se.message}` };
      }
    },
  };
}
