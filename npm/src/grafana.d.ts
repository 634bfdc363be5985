// spanlink/grafana: spanlink's links in the shapes Grafana renders. Structurally compatible
// with @grafana/data 12/13 (`LinkModel`, `Field`, `DataFrame`) and the trace view's
// `SpanLinkDef` / `SpanLinkFunc`, without depending on @grafana/*.
import type { Correlator, Link, TimeRange, Trace, TraceFrameInput } from "./index.js";

/** The trace view's `SpanLinkType` values. */
export type SpanLinkType = "log" | "trace" | "metric" | "profile" | "session" | "unknown";

/** A query as Grafana's `DataQuery` holds it (`refId` defaulted to "" when the link's query has none). */
export interface DataQueryLike {
  refId: string;
  datasource?: { uid?: string; type?: string } | null;
  [key: string]: unknown;
}

/** Grafana's `LinkModel<Origin>`; `timeRange` is whatever `toTimeRange` returns. */
export interface LinkModelLike<Origin = string, Range = never> {
  href: string;
  title: string;
  target: "_self" | "_blank";
  origin: Origin;
  onClick?: (event: any, origin?: any) => void;
  interpolatedParams?: {
    query?: DataQueryLike;
    timeRange?: Range;
    /** Logs links with `features.dynamicTraceToLogs`: the other Loki queries, in order. */
    alternativeQueries?: DataQueryLike[];
  };
}

export interface LinkModelOptions<Origin, Range> {
  /** The model's `origin` (Grafana: the field); default the link's rule path. */
  origin?: Origin;
  /** Grafana's `TimeRange` from the link's epoch-ms range, e.g. `(r) => ({ from: dateTime(r.from), to: dateTime(r.to), raw: … })`. */
  toTimeRange?: (range: TimeRange) => Range;
  onClick?: (event: any, origin?: any) => void;
}

/** A frame field as `@grafana/data`'s `Field` has it. */
export interface FieldLike {
  name: string;
  type: string;
  config: object;
  values: unknown[];
}

/** The trace view's `SpanLinkDef`. */
export interface SpanLinkDefLike<F = FieldLike, Range = never, Content = string> {
  href: string;
  title?: string;
  type: SpanLinkType;
  target?: "_self" | "_blank";
  content: Content;
  field: F;
  linkModel?: LinkModelLike<F, Range>;
  onClick?: (event: any) => void;
}

export interface SpanLinkDefOptions<F, Range, Content> {
  /** The frame field of the link (the trace view puts the frame's first field there). */
  field?: F;
  /** What the links menu renders (a React node in Grafana); default the title. */
  content?: Content;
  toTimeRange?: (range: TimeRange) => Range;
  onClick?: (event: any) => void;
}

/** The field type of a frame: `DataFrame` fields, or `FieldLike` for a `DataFrameJSON`. */
export type FieldOf<Frame> = Frame extends { fields: ReadonlyArray<infer X> } ? X : FieldLike;

/** The trace view's `SpanLinkType` value for a spanlink link type (`logs` → `log`, `correlation`/`external` → `unknown`). */
export function spanLinkType(type: Link["type"]): SpanLinkType;
export function toLinkModel<Origin = string, Range = never>(
  link: Link,
  options?: LinkModelOptions<Origin, Range>,
): LinkModelLike<Origin, Range>;
export function toSpanLinkDef<F = FieldLike, Range = never, Content = string>(
  link: Link,
  options?: SpanLinkDefOptions<F, Range, Content>,
): SpanLinkDefLike<F, Range, Content>;
/** The trace frame of a panel's `data.series`: meta `preferredVisualisationType` "trace", else a frame with a `spanID` field. */
export function findTraceFrame<Frame extends object>(
  series: readonly Frame[] | undefined,
): Frame | undefined;
/**
 * A `SpanLinkFunc` for the Traces panel's `createSpanLink` option: for each span of `frame`
 * (a trace frame, or a `Trace` already parsed), the links spanlink computes, as `SpanLinkDef`s.
 * A span the trace lacks gets none.
 */
export function createSpanLink<
  Frame extends TraceFrameInput | Trace,
  Range = never,
  Content = string,
>(
  correlator: Correlator,
  frame: Frame,
  options?: SpanLinkDefOptions<FieldOf<Frame>, Range, Content>,
): (span: { spanID: string } | string) => SpanLinkDefLike<FieldOf<Frame>, Range, Content>[];
