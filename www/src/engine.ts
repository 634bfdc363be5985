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

export function parseProvisioning(yaml: string): ReturnType<typeof slParseProvisioning> {
  return slParseProvisioning(yaml);
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

/** A SpanlinkError (code, path, message, line) or any thrown value, as something to show. */
export function toShownError(e: unknown): ShownError {
  if (e && typeof e === "object") {
    const o = e as { code?: unknown; path?: unknown; message?: unknown; line?: unknown };
    return {
      code: typeof o.code === "string" ? o.code : "ERROR",
      path: typeof o.path === "string" ? o.path : "",
      message: typeof o.message === "string" ? o.message : String(e),
      line: typeof o.line === "number" && o.line > 0 ? o.line : undefined,
    };
  }
  return { code: "ERROR", path: "", message: String(e) };
}
