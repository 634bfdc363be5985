// Computes every span's links (correlator.traceLinks) off the main thread, for large traces:
// the page stays responsive while the engine works, and the time it took is reported back.
import init, { Correlator, parseProvisioning, parseTrace } from "spanlink/web";

export interface LinksRequest {
  id: number;
  /** The provisioning files, `{ name, text }` each. */
  settings: { name: string; text: string }[];
  trace: string;
}

export type LinksResponse =
  | { id: number; ms: number; spans: number; links: Map<string, unknown[]> }
  | { id: number; error: { code: string; path: string; message: string } };

const ready = init();

self.onmessage = async (e: MessageEvent<LinksRequest>) => {
  const { id, settings, trace } = e.data;
  await ready;
  let correlator: Correlator | null = null;
  let handle: ReturnType<typeof parseTrace> | null = null;
  try {
    correlator = new Correlator(parseProvisioning(settings), { appSubUrl: "" });
    handle = parseTrace(trace);
    const t0 = performance.now();
    const links = correlator.traceLinks(handle);
    const ms = performance.now() - t0;
    const out: LinksResponse = {
      id,
      ms,
      spans: handle.spanCount,
      links: links as Map<string, unknown[]>,
    };
    self.postMessage(out);
  } catch (err) {
    const o = (err ?? {}) as { code?: string; path?: string; message?: string };
    const out: LinksResponse = {
      id,
      error: { code: o.code ?? "ERROR", path: o.path ?? "", message: o.message ?? String(err) },
    };
    self.postMessage(out);
  } finally {
    handle?.free();
    correlator?.free();
  }
};
