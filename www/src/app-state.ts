// The one state of the page. Actions (main.ts) change it, then call render(): every component
// draws itself from it and nothing else.
import type {
  CorrelatorApi,
  Diagnostic,
  Link,
  ProvisioningDocument,
  ShownError,
  TraceHandle,
  TraceWarning,
} from "./types";
import type { TraceModel } from "./waterfall";

export const DEFAULT_GRAFANA = "http://localhost:3000";
/** The name of a single settings text (parseProvisioning's default, as findings name it). */
export const SETTINGS_FILE = "datasources.yaml";

/** One provisioning file of the settings. */
export interface SettingsFile {
  name: string;
  text: string;
}

export interface AppState {
  sampleId: string;
  /** The provisioning files as edited (one tab each), the one shown, and whether the user edited them. */
  settingsFiles: SettingsFile[];
  activeFile: number;
  settingsEdited: boolean;
  traceText: string;
  traceEdited: boolean;
  /** What the engine made of the settings: a correlator and its lint, or the error. */
  provisioning: ProvisioningDocument | null;
  correlator: CorrelatorApi | null;
  diagnostics: Diagnostic[];
  settingsError: ShownError | null;
  /** What the engine made of the trace: a handle and the waterfall's model, or the error. */
  trace: TraceHandle | null;
  model: TraceModel | null;
  traceError: ShownError | null;
  /** The trace's fields the engine could not read (and skipped). */
  traceWarnings: TraceWarning[];
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
    settingsFiles: [{ name: SETTINGS_FILE, text: "" }],
    activeFile: 0,
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
    traceWarnings: [],
    links: new Map(),
    linksError: null,
    linksPending: false,
    linkMs: 0,
    selected: null,
    openSections: new Set(),
    grafanaUrl: DEFAULT_GRAFANA,
  };
}

/** Orders files by name, as Grafana reads a provisioning directory. */
export const byFileName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** The settings file a finding's `source.file` names (the shown one when it names none). */
export function fileIndex(state: AppState, name: string | undefined): number {
  const i = name === undefined ? -1 : state.settingsFiles.findIndex((f) => f.name === name);
  return i >= 0 ? i : state.activeFile;
}

/** The provisioned data sources; `uid` falls back to the name, as references resolve. */
export function provisionedDatasources(
  state: AppState,
): { uid: string; name: string; type: string }[] {
  return (state.provisioning?.datasources ?? []).map((d) => ({
    uid: d.uid ?? d.name,
    name: d.name,
    type: d.type,
  }));
}

/** The span and resource attribute keys of the loaded trace, sorted. */
export function traceAttributeKeys(state: AppState): string[] {
  const keys = new Set<string>();
  for (const s of state.model?.spans ?? []) {
    for (const t of s.tags) keys.add(t.key);
    for (const t of s.serviceTags) keys.add(t.key);
  }
  return [...keys].sort();
}
