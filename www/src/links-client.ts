// The engine's side of the page: reads the settings and the trace into the state, computes every
// span's links (in a worker for large traces), and answers a span's links from a cache meanwhile.
import type { AppState } from "./app-state";
import { newCorrelator, parseProvisioning, parseTrace, toShownError, traceLinks } from "./engine";
import type { LinksRequest, LinksResponse } from "./links-worker";
import type { Link, ShownError } from "./types";
import { buildModel } from "./waterfall";

/** Above this many spans, traceLinks runs in a worker and the selected span's links come from spanLinks. */
const WORKER_THRESHOLD = 1500;

/** Reads the settings files into a correlator and its diagnostics (or the error). */
export function readSettings(state: AppState) {
  state.correlator?.free();
  state.correlator = null;
  state.provisioning = null;
  state.settingsError = null;
  state.diagnostics = [];
  try {
    const provisioning = parseProvisioning(state.settingsFiles);
    state.provisioning = provisioning;
    state.correlator = newCorrelator(provisioning, { appSubUrl: "" });
    state.diagnostics = state.correlator.diagnostics() ?? [];
  } catch (e) {
    state.settingsError = toShownError(e);
  }
}

/** Reads state.traceText into a trace handle, the waterfall's model and the warnings (or the error). */
export function readTrace(state: AppState) {
  state.trace?.free();
  state.trace = null;
  state.model = null;
  state.traceError = null;
  state.traceWarnings = [];
  try {
    state.trace = parseTrace(state.traceText);
    state.model = buildModel(state.trace.spans());
    state.traceWarnings = state.trace.warnings();
  } catch (e) {
    state.traceError = toShownError(e);
  }
}

export class LinksClient {
  private worker: Worker | null = null;
  private workerBusy = false;
  private requestId = 0;
  private readonly spanLinkCache = new Map<string, { links: Link[]; error?: ShownError }>();

  /** `onLinks` runs when the worker has answered (the state then holds its links or error). */
  constructor(
    private readonly state: AppState,
    private readonly onLinks: () => void,
  ) {}

  /** Computes every span's links for the current settings and trace. */
  compute() {
    const s = this.state;
    this.spanLinkCache.clear();
    s.links = new Map();
    s.linksPending = false;
    s.linksError = null;
    s.linkMs = 0;
    if (!s.correlator || !s.trace || !s.model) return;
    if (s.model.spans.length > WORKER_THRESHOLD && typeof Worker !== "undefined") {
      this.computeInWorker();
      return;
    }
    try {
      const t0 = performance.now();
      s.links = traceLinks(s.correlator, s.trace);
      s.linkMs = performance.now() - t0;
    } catch (e) {
      s.linksError = toShownError(e);
    }
  }

  /** A span's links: from traceLinks when it has run, else from spanLinks (cached). */
  linksOf(spanId: string): { links: Link[]; error?: ShownError } {
    const s = this.state;
    const known = s.links.get(spanId);
    if (known) return { links: known };
    if (s.settingsError) return { links: [], error: s.settingsError };
    if (s.linksError) return { links: [], error: s.linksError };
    if (!s.correlator || !s.trace) return { links: [] };
    let cached = this.spanLinkCache.get(spanId);
    if (!cached) {
      try {
        cached = { links: s.correlator.spanLinks(s.trace, spanId) };
      } catch (e) {
        cached = { links: [], error: toShownError(e) };
      }
      this.spanLinkCache.set(spanId, cached);
    }
    return cached;
  }

  private computeInWorker() {
    const s = this.state;
    // a worker still busy with an older document is dropped, not waited for
    if (this.worker && this.workerBusy) {
      this.worker.terminate();
      this.worker = null;
    }
    if (!this.worker) {
      this.worker = new Worker(new URL("./links-worker.ts", import.meta.url), { type: "module" });
      this.worker.onmessage = (e: MessageEvent<LinksResponse>) => {
        const r = e.data;
        if (r.id !== this.requestId) return;
        this.workerBusy = false;
        s.linksPending = false;
        if ("error" in r) s.linksError = r.error;
        else {
          s.links = r.links as Map<string, Link[]>;
          s.linkMs = r.ms;
        }
        this.onLinks();
      };
      this.worker.onerror = (e) => {
        this.workerBusy = false;
        s.linksPending = false;
        s.linksError = {
          code: "WORKER",
          path: "",
          message: e.message || "the links worker failed",
        };
        this.onLinks();
      };
    }
    s.linksPending = true;
    this.workerBusy = true;
    const req: LinksRequest = {
      id: ++this.requestId,
      settings: s.settingsFiles,
      trace: s.traceText,
    };
    this.worker.postMessage(req);
  }
}
