// spanlink/grafana against @grafana/data's own types (a dev dependency of tests/js): what a
// panel plugin has goes in as it is, and what comes out is what Grafana's types accept.
import type {
  DataFrame,
  DataFrameJSON,
  DataSourceInstanceSettings,
  Field,
  LinkModel,
  LinkTarget,
  TimeRange,
} from "@grafana/data";
import { Correlator, parseTrace, type Link, type Trace } from "spanlink";
import {
  createSpanLink,
  findTraceFrame,
  spanLinkType,
  toLinkModel,
  toSpanLinkDef,
  type SpanLinkType,
} from "spanlink/grafana";

declare const series: DataFrame[];
declare const wire: DataFrameJSON;
declare const list: DataSourceInstanceSettings[];
declare const link: Link;
declare const toTimeRange: (range: { from: number; to: number }) => TimeRange;
/** What `getCorrelationsBySourceUIDs(uids)` resolves to (`@grafana/runtime`), in its own words. */
declare const correlations: Array<{
  uid: string;
  label: string;
  description?: string;
  provisioned: boolean;
  orgId?: number;
  type: "query" | "external";
  config: {
    field: string;
    target: object;
    transformations?: Array<{
      type: "regex" | "logfmt";
      field?: string;
      expression?: string;
      mapValue?: string;
    }>;
  };
  source: DataSourceInstanceSettings;
  target?: DataSourceInstanceSettings;
}>;

// Run-time settings and correlations, as Grafana's services return them.
const correlator = new Correlator(
  { datasources: list, correlations },
  { tracingDatasource: list[0]?.uid },
);

// Frames as a panel receives them: a DataFrame, a DataFrameJSON, the whole data.series.
const frame: DataFrame | undefined = findTraceFrame(series);
const fromFrame: Trace = parseTrace(series[0]);
const fromWire: Trace = parseTrace(wire);
const fromSeries: Trace = parseTrace(series);

// LinkModel: with a TimeRange factory, the model is Grafana's LinkModel<Field>.
const model: LinkModel<Field> = toLinkModel(link, { origin: series[0].fields[0], toTimeRange });
const plain: LinkModel<string> = toLinkModel(link);

// The trace view's SpanLinkDef, written in @grafana/data's types (the type itself lives in
// Grafana's core, public/app/features/explore/TraceView/components/types/links.ts).
type GrafanaSpanLinkDef = {
  href: string;
  onClick?: (event: unknown) => void;
  content: unknown; // React.ReactNode
  title?: string;
  field: Field;
  type: "log" | "trace" | "metric" | "profile" | "profile-drilldown" | "session" | "unknown";
  target?: LinkTarget;
  linkModel?: LinkModel;
};
type GrafanaSpanLinkFunc = (span: {
  spanID: string;
  traceID: string;
  operationName: string;
}) => GrafanaSpanLinkDef[] | undefined;

const def: GrafanaSpanLinkDef = toSpanLinkDef(link, { field: series[0].fields[0], toTimeRange });
const spanLink: GrafanaSpanLinkFunc = createSpanLink(correlator, series[0], { toTimeRange });
const kind: SpanLinkType = spanLinkType(link.type);
const kinds: GrafanaSpanLinkDef["type"][] = [kind, def.type];

// @ts-expect-error a plain { from, to } in ms is not Grafana's TimeRange (it needs DateTime and raw)
const msRange: LinkModel = toLinkModel(link, { toTimeRange: (r) => r });
// @ts-expect-error the origin is what options.origin says
const wrongOrigin: LinkModel<Field> = toLinkModel(link, { origin: "a rule path" });
// @ts-expect-error spanLinkType takes spanlink's link types
spanLinkType("log");

export {
  frame,
  fromFrame,
  fromWire,
  fromSeries,
  model,
  plain,
  spanLink,
  kinds,
  msRange,
  wrongOrigin,
};
