// Everything the panel asks spanlink, in one place: the wasm instance, the correlator over
// Grafana's own settings and correlations, and each span's links grouped for display.
import init, {
  Correlator,
  parseTrace,
  type Explanation,
  type SpanLink,
  type SpanlinkError,
  type Trace,
} from 'spanlink/web';
import { spanLinkType, type SpanLinkType } from 'spanlink/grafana';
import { config, getCorrelationsService, getDataSourceSrv } from '@grafana/runtime';

let wasm: Promise<unknown> | undefined;

/** spanlink's wasm, instantiated once per page: `init()` fetches the `.wasm` webpack put beside module.js. */
function ready(): Promise<unknown> {
  wasm ??= init();
  return wasm;
}

/** A correlator over the data sources and correlations Grafana has, taken as its services return them. */
export async function loadCorrelator(tracingDatasource: string): Promise<Correlator> {
  await ready();
  const datasources = getDataSourceSrv().getList();
  const { correlations } = await getCorrelationsService().getCorrelationsBySourceUIDs(datasources.map((d) => d.uid));
  return new Correlator(
    { datasources, correlations },
    { tracingDatasource: tracingDatasource || null, appSubUrl: config.appSubUrl }
  );
}

/** The trace view's link groups, in its order. */
const GROUPS: ReadonlyArray<[SpanLinkType, string]> = [
  ['log', 'Logs'],
  ['metric', 'Metrics'],
  ['profile', 'Profiles'],
  ['trace', 'Traces'],
  ['session', 'Session'],
  ['unknown', 'Links'],
];

export interface LinkGroup {
  type: SpanLinkType;
  title: string;
  links: SpanLink[];
}

export interface SpanRow {
  spanId: string;
  service: string;
  operation: string;
  groups: LinkGroup[];
}

/** Every span of the trace with its links, grouped by the trace view's link type. */
export function spanRows(correlator: Correlator, trace: Trace): SpanRow[] {
  return trace.spans().map((span) => {
    const links = correlator.spanLinks(trace, span.spanID);
    const groups = GROUPS.map(([type, title]) => ({
      type,
      title,
      links: links.filter((link) => spanLinkType(link.type) === type),
    })).filter((group) => group.links.length > 0);
    return { spanId: span.spanID, service: span.serviceName, operation: span.operationName, groups };
  });
}

/** Why each rule that made no link for the span made none. */
export function missingLinks(correlator: Correlator, trace: Trace, spanId: string): Explanation[] {
  return correlator.explain(trace, spanId).filter((e) => e.outcome === 'suppressed');
}

export { parseTrace };

/** A spanlink error as one line: code, where, what. */
export function describe(e: unknown): string {
  const err = e as Partial<SpanlinkError>;
  if (err && err.name === 'SpanlinkError') {
    return `${err.code}${err.path ? ` at ${err.path}` : ''}: ${err.message}`;
  }
  return String(e);
}
