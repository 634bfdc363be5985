import type { ProvisioningDocument } from "./glue.js";

/** One provisioning file, for {@link parseProvisioning}. */
export interface ProvisioningFileText {
  /** The file's name, as findings name it (e.g. `tempo.yaml`). */
  name: string;
  /** Its YAML text: a provisioning file, several joined with `---`, a ConfigMap/Secret or Helm values. */
  text: string;
}

/** Options of {@link parseProvisioning}. */
export interface ParseProvisioningOptions {
  /** The environment variables Grafana expands in provisioning values (`$VAR`, `${VAR}`, `$__env{VAR}`). */
  env?: Record<string, string>;
  /** The file name of a single text, for findings (default `datasources.yaml`). */
  name?: string;
}

/**
 * Reads Grafana data source provisioning YAML as Grafana does and returns the assembled document
 * for `new Correlator(...)`. `input` is one text (several documents may be joined with `---`) or
 * a list of files applied in the order given (Grafana reads a directory sorted by file name).
 * Kubernetes ConfigMaps and Secrets and the Grafana Helm chart's `datasources:` values are read
 * as the files they carry. Environment variables are expanded from `options.env` (an unset one
 * becomes "" with an `UNSET_ENV_VAR` finding) and `$$` is a literal `$`. The Correlator's
 * `diagnostics()` then carry each finding's `source: { file, line, column }`.
 * Throws a `SpanlinkError` with code `INVALID_YAML` (with `file`, `line`, `column`) on bad YAML.
 */
export function parseProvisioning(
  input: string | ProvisioningFileText[],
  options?: ParseProvisioningOptions,
): ProvisioningDocument;
