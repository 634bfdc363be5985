// The one state of the page. Actions (main.ts) change it, then call render(): every component
// draws itself from it and nothing else.
import type { CorrelatorApi, Diagnostic, Link, ShownError, TraceHandle } from "./types";
import type { TraceModel } from "./waterfall";

export const DEFAULT_GRAFANA = "http://localhost:3000";

export interface AppState {
  sampleId: string;
  /** The provisioning YAML as edited, and whether it differs from the sample's by the user's hand. */
  settingsText: string;
  settingsEdited: boolean;
  traceText: string;
  traceEdited: boolean;
  /** What the engine made of the settings: a correlator and its lint, or the error. */
  provisioning: unknown;
  correlator: CorrelatorApi | null;
  diagnostics: Diagnostic[];
  settingsError: ShownError | null;
  /** What the engine made of the trace: a handle and the waterfall's model, or the error. */
  trace: TraceHandle | null;
  model: TraceModel | null;
  traceError: ShownError | null;
  /** Every span's links (traceLinks), empty while the worker computes them. */
  links: Map<string, Link[]>;
  linksError: ShownError | null;
  linksPending: boolean;
  linkMs: number;
  selected: string | null;
  /** The details sections the user opened, kept open from span to span. */
  openSections: Set<string>;
  /** The Grafana URL box as typed (links are made absolute against grafanaBase()). */
  grafanaUrl: string;
}

/** The Grafana base URL the links point to. */
export function grafanaBase(state: AppState): string {
  return state.grafanaUrl || DEFAULT_GRAFANA;
}

export function createState(sampleId: string): AppState {
  return {
    sampleId,
    settingsText: "",
    settingsEdited: false,
    traceText: "",
    traceEdited: false,
    provisioning: null,
    correlator: null,
    diagnostics: [],
    settingsError: null,
    trace: null,
    model: null,
    traceError: null,
    links: new Map(),
    linksError: null,
    linksPending: false,
    linkMs: 0,
    selected: null,
    openSections: new Set(),
    grafanaUrl: DEFAULT_GRAFANA,
  };
}
