// The shapes of spanlink's JS API that the demo reads (see the package's README / api.md).
// Kept here as structural types so that the UI states exactly what it relies on.

export interface KeyValue {
  key: string;
  value: unknown;
}

export interface SpanEvent {
  timestamp: number; // µs
  name?: string;
  fields: KeyValue[];
}

export interface SpanReference {
  refType: "CHILD_OF" | "FOLLOWS_FROM" | "EXTERNAL" | string;
  traceID: string;
  spanID: string;
  tags?: KeyValue[];
}

export interface Span {
  traceID: string;
  spanID: string;
  parentSpanID?: string;
  operationName: string;
  serviceName: string;
  startTime: number; // µs since the epoch
  duration: number; // µs
  kind?: string;
  statusCode?: string;
  statusMessage?: string;
  serviceTags: KeyValue[];
  tags: KeyValue[];
  logs: SpanEvent[];
  references: SpanReference[];
}

export interface TraceHandle {
  spans(): Span[];
  free(): void;
}

export interface Link {
  type: "logs" | "metrics" | "profiles" | "traces" | "session" | "correlation" | "external" | string;
  title: string;
  href: string;
  target: "_self" | "_blank" | string;
  internal?: {
    datasourceUid: string;
    datasourceName: string;
    datasourceType: string;
    query: Record<string, unknown>;
    range?: { from: number; to: number };
  };
  origin: string;
}

export interface Explanation {
  origin: string;
  outcome: "link" | "suppressed" | string;
  code: string;
  message: string;
  variables: { name: string; path?: string; value: string | null }[];
}

export interface Diagnostic {
  severity: "error" | "warning" | "hint" | string;
  code: string;
  path: string;
  message: string;
  suggestion?: string;
}

export interface CorrelatorOptions {
  tracingDatasource?: string;
  appSubUrl?: string;
}

export interface CorrelatorApi {
  spanLinks(trace: TraceHandle, spanId: string): Link[];
  traceLinks(trace: TraceHandle): Map<string, Link[]> | Record<string, Link[]>;
  traceLogsLink?(trace: TraceHandle): Link | null;
  explain(trace: TraceHandle, spanId: string): Explanation[];
  diagnostics(): Diagnostic[];
  logLinks?(lokiUid: string, line: string, labels?: Record<string, string>, range?: { from: number; to: number }): Link[];
  free(): void;
}

/** A thrown SpanlinkError, or any other error, normalised for display. */
export interface ShownError {
  code: string;
  path: string;
  message: string;
  line?: number; // parseProvisioning's INVALID_YAML errors carry the line
}
