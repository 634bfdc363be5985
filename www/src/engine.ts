// The one module of the page that touches spanlink: the published package, imported as any app would.
import init, {
  Correlator,
  parseProvisioning as slParseProvisioning,
  parseTrace as slParseTrace,
} from "spanlink/web";
import type { CorrelatorOptions, Link, ShownError, TraceHandle } from "./types";

let loading: Promise<unknown> | null = null;

/** Load the wasm module once. */
export function loadEngine(): Promise<unknown> {
  loading ??= init();
  return loading;
}

/** Reads provisioning files (`{ name, text }` each) as Grafana reads a provisioning directory. */
export function parseProvisioning(
  files: { name: string; text: string }[],
): ReturnType<typeof slParseProvisioning> {
  return slParseProvisioning(files);
}

export function newCorrelator(
  provisioning: ReturnType<typeof slParseProvisioning>,
  options: CorrelatorOptions,
): Correlator {
  return new Correlator(provisioning, options);
}

export function parseTrace(text: string): TraceHandle {
  return slParseTrace(text);
}

/** traceLinks as a Map (the binding returns one; a plain object keyed by span id is accepted too). */
export function traceLinks(correlator: Correlator, trace: TraceHandle): Map<string, Link[]> {
  const out: unknown = correlator.traceLinks(trace);
  if (out instanceof Map) return out as Map<string, Link[]>;
  return new Map(Object.entries((out ?? {}) as Record<string, Link[]>));
}

/** A SpanlinkError (code, path, message, file, line, column) or any thrown value, to show. */
export function toShownError(e: unknown): ShownError {
  if (e && typeof e === "object") {
    const o = e as Record<string, unknown>;
    const positive = (v: unknown) => (typeof v === "number" && v > 0 ? v : undefined);
    const message = typeof o.message === "string" ? o.message : String(e);
    // parseTrace's INVALID_JSON carries its place in the message only (serde_json's wording)
    const at = /at line (\d+) column (\d+)$/.exec(message);
    return {
      code: typeof o.code === "string" ? o.code : "ERROR",
      path: typeof o.path === "string" ? o.path : "",
      message,
      file: typeof o.file === "string" ? o.file : undefined,
      line: positive(o.line) ?? (at ? Number(at[1]) : undefined),
      column: positive(o.column) ?? (at ? Number(at[2]) : undefined),
    };
  }
  return { code: "ERROR", path: "", message: String(e) };
}
