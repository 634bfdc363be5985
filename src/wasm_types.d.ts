/** Machine-readable error codes of {@link SpanlinkError}. */
export type ErrorCode =
  | "INVALID_JSON" | "INVALID_YAML" | "INVALID_SETTINGS" | "UNKNOWN_DATASOURCE" | "INVALID_INTERVAL"
  | "INVALID_TEMPLATE" | "INVALID_REGEX" | "INVALID_TRACE" | "SPAN_NOT_FOUND" | "INVALID_ARGUMENT"
  | "LIMIT_EXCEEDED";

/** What every spanlink function throws: a JS `Error` with `name === "SpanlinkError"`. */
export interface SpanlinkError extends Error {
  name: "SpanlinkError";
  code: ErrorCode;
  /** JSON path of the offending field, e.g. `datasources[0].jsonData.tracesToLogsV2.spanStartTimeShift`; "" for a whole argument. */
  path: string;
  message: string;
}

/** Epoch milliseconds. */
export interface TimeRange { from: number; to: number }

export type LinkType = "logs" | "metrics" | "profiles" | "traces" | "session" | "correlation" | "external";

/** A link Grafana's trace view shows. */
export interface Link {
  type: LinkType;
  title: string;
  /** Explore URL for internal links, the interpolated URL for external ones. */
  href: string;
  target: "_self" | "_blank";
  /** Present for links into a Grafana data source. */
  internal?: {
    datasourceUid: string;
    datasourceName: string;
    datasourceType: string;
    /** Exactly the query object Grafana would open, interpolated. */
    query: Record<string, unknown>;
    range?: TimeRange;
    /** With `features.dynamicTraceToLogs`: every Loki query Grafana probes, in its order (13, or 7
     * without a service name); the first is `query` itself. */
    alternatives?: Record<string, unknown>[];
  };
  /** The rule that made it, as a JSON path from the document root. */
  origin: string;
}
export type SpanLink = Link;

export interface ExplainedVariable { name: string; path: string; value: string | null }
/** Why a rule made a link or not. */
export interface Explanation {
  origin: string;
  outcome: "link" | "suppressed";
  code: string;
  message: string;
  variables: ExplainedVariable[];
}

/** Codes of {@link Diagnostic} findings (the lint table in src/diagnostics.rs). */
export type DiagnosticCode =
  | "MISSING_DATASOURCES"
  | "MISSING_NAME"
  | "MISSING_TYPE"
  | "DUPLICATE_UID"
  | "DUPLICATE_NAME"
  | "DEPRECATED_DATASOURCE_TYPE"
  | "UNKNOWN_KEY"
  | "SPANLINK_EXTENSION"
  | "LEGACY_SETTINGS_IGNORED"
  | "UNKNOWN_DATASOURCE"
  | "DATASOURCE_CASE_MISMATCH"
  | "DATASOURCE_BY_NAME"
  | "UNSUPPORTED_DATASOURCE_TYPE"
  | "INVALID_TIME_SHIFT"
  | "NARROWING_TIME_SHIFT"
  | "METRICS_WITHOUT_QUERIES"
  | "METRICS_QUERY_WITHOUT_NAME"
  | "CUSTOM_QUERY_EMPTY"
  | "QUERY_NOT_USED"
  | "HIGH_CARDINALITY_LABEL"
  | "INVALID_LABEL_NAME"
  | "INVALID_REGEX"
  | "JS_ONLY_REGEX"
  | "BACKTRACKING_REGEX"
  | "REGEX_WITHOUT_EXPRESSION"
  | "REGEX_WITHOUT_GROUP"
  | "REGEX_CLASS_WITH_PIPE"
  | "ONE_WAY_LOGS_LINK"
  | "EXEMPLAR_LABEL_CASE"
  | "UNUSUAL_EXEMPLAR_LABEL"
  | "PROFILE_ID_REQUIRED"
  | "UNCLOSED_TEMPLATE"
  | "UNKNOWN_FORMAT"
  | "UNKNOWN_VARIABLE"
  | "VARIABLE_PATH_NEEDS_BRACES"
  | "NO_LINK_TARGET"
  | "UNKNOWN_TRANSFORMATION"
  | "SHADOWED_DERIVED_FIELD"
  | "UNSET_ENV_VAR"
  | "UNSUPPORTED_EXPANSION"
  | "DATASOURCE_UID_TAKEN"
  | "TOO_MANY_DEFAULTS"
  | "LEGACY_API_VERSION"
  | "INVALID_SETTINGS"
  | "DATASOURCE_REPLACED"
  | "UNSAFE_URL";

/** A finding of the settings lint. */
export interface Diagnostic {
  severity: "error" | "warning" | "hint";
  code: DiagnosticCode;
  path: string;
  message: string;
  suggestion?: string;
  /** Where the finding points in the user's files (settings read with `parseProvisioning`). */
  source?: SourceLocation;
}

/** A place in a provisioning file. */
export interface SourceLocation {
  file: string;
  /** The wrapper inside the file: `ConfigMap x, key datasources.yaml`, `document 2`, `Helm values datasources.x.yaml`. */
  within?: string;
  line?: number;
  column?: number;
}

/** A correlation inside a data source entry (Grafana's provisioning form). */
export interface ProvisionedCorrelation {
  targetUID?: string;
  label: string;
  description?: string;
  config: CorrelationConfig;
  [key: string]: unknown;
}
/** A top-level correlation (Grafana's API form). */
export interface ApiCorrelation {
  sourceUID: string;
  targetUID?: string;
  label: string;
  description?: string;
  type?: string;
  config: CorrelationConfig;
  [key: string]: unknown;
}
export interface CorrelationConfig {
  type?: string;
  field: string;
  target: Record<string, unknown>;
  transformations?: Transformation[];
  [key: string]: unknown;
}
/** A correlation transformation: `regex`, `logfmt` or `json`. */
export interface Transformation {
  type: string;
  field?: string;
  expression?: string;
  mapValue?: string;
  [key: string]: unknown;
}
/** One data source of a provisioning file. */
export interface DatasourceConfig {
  name: string;
  type: string;
  uid?: string;
  url?: string;
  jsonData?: Record<string, unknown>;
  correlations?: ProvisionedCorrelation[];
  [key: string]: unknown;
}
/**
 * A data source as Grafana's frontend holds it (`DataSourceInstanceSettings`, what
 * `getDataSourceSrv().getList()` returns): read as it is, extra keys ignored, no `$$` processing.
 */
export interface DatasourceInstanceSettingsLike {
  uid: string;
  name: string;
  type: string;
  url?: string;
  jsonData?: object;
}
/**
 * A correlation as Grafana's correlations service returns it at run time
 * (`getCorrelationsBySourceUIDs(uids).correlations`): `source` and `target` are data sources.
 */
export interface RuntimeCorrelation {
  uid?: string;
  label?: string;
  description?: string;
  type?: string;
  config: { field: string; target: object; transformations?: readonly object[] };
  source: { uid: string };
  target?: { uid: string };
}
/**
 * The data source provisioning document (the YAML file, parsed), or what a plugin has at run
 * time: `{ datasources: getDataSourceSrv().getList(), correlations }`.
 */
export interface ProvisioningDocument {
  apiVersion?: number;
  datasources?: ReadonlyArray<DatasourceConfig | DatasourceInstanceSettingsLike>;
  correlations?: ReadonlyArray<ApiCorrelation | RuntimeCorrelation>;
  [key: string]: unknown;
}

export interface CorrelatorOptions {
  /** uid or name of the trace data source whose jsonData drives span links (default: the first tempo/jaeger/zipkin). */
  tracingDatasource?: string | null;
  /** Prefix of hrefs (Grafana's `appSubUrl`), default "". */
  appSubUrl?: string;
  /** Grafana feature toggles that change link shapes. */
  features?: { dynamicTraceToLogs?: boolean };
}

/** Grafana's explore pane state, as `exploreUrl` writes it into `left=`. */
export interface ExploreState {
  datasource: string;
  queries: Record<string, unknown>[];
  /** Epoch ms, or relative text such as "now-1h". */
  range?: { from: number | string; to: number | string };
  panelsState?: Record<string, unknown>;
}

/** Grafana's scoped variables: `{ __value: { value: { raw: "abc" } } }`. */
export type ScopedVars = Record<string, { value: unknown; text?: string }>;

export interface InterpolateOptions {
  /** Default format for placeholders without one (Grafana: glob). */
  format?: string;
  /** Dashboard variables, for panel plugins. */
  variables?: Record<string, string | string[]>;
  /** For `$__from` / `$__to` and date formats. */
  range?: TimeRange;
}

export interface TransformOptions {
  /** The link's own field name. */
  fieldName?: string;
  /** Other fields of the row, by name. */
  fields?: Record<string, unknown>;
}

/** `dataframe`: Grafana's trace data frame (`DataFrame` or `DataFrameJSON`), as a panel receives it. */
export type TraceFormat = "otlp" | "jaeger" | "zipkin" | "dataframe";

export interface KeyValue { key: string; value: unknown }
export interface SpanEvent { timestamp: number; name?: string; fields: KeyValue[] }
export interface SpanReference {
  refType: "CHILD_OF" | "FOLLOWS_FROM" | "EXTERNAL";
  traceID: string;
  spanID: string;
  tags?: KeyValue[];
}
/**
 * Grafana's trace data frame, as a panel receives it in `data.series`: a `DataFrame`
 * (`fields[].values`), a `DataFrameJSON` (`schema` + `data.values`), or an array of frames (the
 * first trace frame is read). Structurally compatible with `@grafana/data`'s types.
 */
export type TraceFrameInput =
  | { fields: ReadonlyArray<{ name: string; type?: string; values?: ArrayLike<unknown> | unknown[] }>; name?: string; meta?: object }
  | { schema?: { fields: ReadonlyArray<{ name: string; type?: string }>; name?: string; meta?: object }; data?: { values: unknown[][]; entities?: unknown[] } };

/** A field of a trace document that could not be read and was left out; its span is kept without it. */
export interface TraceWarning {
  /** JSON path from the document root, e.g. `resourceSpans[0].scopeSpans[0].spans[3].kind`. */
  path: string;
  /** What was wrong and what was done about it. */
  reason: string;
}
/** A span as Grafana's trace view holds it: times in microseconds since the epoch, ids lower-case hex. */
export interface SpanData {
  traceID: string;
  spanID: string;
  parentSpanID?: string;
  operationName: string;
  serviceName: string;
  startTime: number;
  duration: number;
  kind?: string;
  statusCode?: string;
  statusMessage?: string;
  serviceTags: KeyValue[];
  tags: KeyValue[];
  logs: SpanEvent[];
  references: SpanReference[];
}
