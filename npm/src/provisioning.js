// parseProvisioning: Grafana data source provisioning YAML → the document object spanlink reads.
import { parseDocument } from "yaml";

function spanlinkError(code, path, message, extra) {
  const err = new Error(message);
  err.name = "SpanlinkError";
  Object.assign(err, { code, path }, extra);
  return err;
}

// Grafana (pkg/services/provisioning/values/values.go, interpolateValue) splits every string value
// on "$$", env-expands each part and joins the parts with "$". spanlink cannot see Grafana's
// environment, so `$VAR` / `${VAR}` stay as written and only "$$" becomes "$". Keys are not expanded.
function unescapeDollars(value) {
  if (typeof value === "string") return value.split("$$").join("$");
  if (Array.isArray(value)) return value.map(unescapeDollars);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [key, item] of Object.entries(value)) out[key] = unescapeDollars(item);
    return out;
  }
  return value;
}

/**
 * Parses provisioning YAML text as Grafana reads it (merge keys, duplicate keys rejected) and
 * undoes its `$$` escaping. Throws a SpanlinkError `INVALID_YAML` (with `line`) on bad YAML.
 */
export function parseProvisioning(yamlText) {
  if (typeof yamlText !== "string") {
    const got = yamlText === null ? "null" : typeof yamlText;
    throw spanlinkError("INVALID_ARGUMENT", "yamlText", `yamlText: expected a string, got ${got}`);
  }
  const doc = parseDocument(yamlText, { merge: true, prettyErrors: true });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos ? problem.linePos[0].line : undefined;
    const first = problem.message.split("\n")[0];
    throw spanlinkError("INVALID_YAML", "", line ? `line ${line}: ${first}` : first, { line });
  }
  let value;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw spanlinkError("INVALID_YAML", "", String(e && e.message));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw spanlinkError("INVALID_YAML", "", "the provisioning document is not a YAML mapping", { line: 1 });
  }
  return unescapeDollars(value);
}
