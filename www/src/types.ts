// The package's own types: if spanlink's API changes shape, the demo stops compiling.
export type {
  Correlator as CorrelatorApi,
  CorrelatorOptions,
  Diagnostic,
  Explanation,
  KeyValue,
  Link,
  ProvisioningDocument,
  SpanData as Span,
  SpanEvent,
  SpanReference,
  Trace as TraceHandle,
  TraceWarning,
} from "spanlink/web";

/** A thrown SpanlinkError (or anything else thrown), normalised for display. */
export interface ShownError {
  code: string;
  path: string;
  message: string;
  /** parseProvisioning's INVALID_YAML errors carry the file, line and column. */
  file?: string;
  line?: number;
  column?: number;
}
