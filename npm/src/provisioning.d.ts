import type { ProvisioningDocument } from "./glue.js";
/**
 * Parses Grafana data source provisioning YAML and undoes its `$$` escaping (`$$` → `$`; `${VAR}`
 * is kept as written). Throws a `SpanlinkError` with code `INVALID_YAML` and `line` on bad YAML.
 */
export function parseProvisioning(yamlText: string): ProvisioningDocument;
