// The one place the demo touches spanlink: the published package, imported as any app would.
import init, * as spanlink from "spanlink/web";
import type { CorrelatorApi, CorrelatorOptions, Link, ShownError, TraceHandle } from "./types";

interface Api {
  Correlator: new (provisioning: unknown, options?: CorrelatorOptions) => CorrelatorApi;
  parseTrace(text: string | object): TraceHandle;
  parseProvisioning(yamlText: string): unknown;
}

let api: Api | null = null;

/** Load the wasm module once. */
export async function loadEngine(): Promise<Api> {
  if (!api) {
    await init();
    api = spanlink as unknown as Api;
  }
  return api;
}

function engine(): Api {
  if (!api) throw new Error("spanlink is not loaded yet");
  return api;
}

export function parseProvisioning(yaml: string): unknown {
  return engine().parseProvisioning(yaml);
}

export function newCorrelator(provisioning: unknown, options: CorrelatorOptions): CorrelatorApi {
  const Ctor = engine().Correlator;
  return new Ctor(provisioning, options);
}

export function parseTrace(text: string): TraceHandle {
  return engine().parseTrace(text);
}

/** traceLinks as a Map whatever the binding returns (a Map, or a plain object keyed by span id). */
export function traceLinks(correlator: CorrelatorApi, trace: TraceHandle): Map<string, Link[]> {
  const out = correlator.traceLinks(trace);
  if (out instanceof Map) return out;
  return new Map(Object.entries(out ?? {}));
}

/** A SpanlinkError (code, path, message) or any thrown value, as something to show. */
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
