// parseProvisioning: Grafana data source provisioning YAML (one file, several files, a
// multi-document stream, a Kubernetes ConfigMap or Secret, the Grafana Helm chart's values) → the
// document a Correlator reads. This module knows YAML only: it parses each document, records
// where every key sits, and unwraps Kubernetes and Helm wrappers. How Grafana assembles the
// documents (order, deleteDatasources, same-name updates, environment variables, `$$`) is the
// engine's (assembleProvisioning, src/settings/set.rs), so Rust and JS users get one behaviour.
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from "yaml";

/** Where parseProvisioning leaves its inputs on the document, for the Correlator to locate findings. */
const SET_KEY = Symbol.for("spanlink.provisioningSet");

function spanlinkError(code, path, message, extra) {
  const err = new Error(message);
  err.name = "SpanlinkError";
  Object.assign(err, { code, path }, extra);
  return err;
}

const typeOf = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isYamlName = (name) => /\.ya?ml$/.test(name);

/** JSON paths as the engine writes them: `a.b[0].c`. */
const child = (path, key) => (path === "" ? key : `${path}.${key}`);

/** The input as a list of `{ name, text }` files. */
function filesOf(input, options) {
  if (typeof input === "string") return [{ name: options.name ?? "datasources.yaml", text: input }];
  if (Array.isArray(input)) {
    return input.map((file, i) => {
      if (!isObject(file) || typeof file.name !== "string" || typeof file.text !== "string") {
        throw spanlinkError(
          "INVALID_ARGUMENT",
          `files[${i}]`,
          `files[${i}]: expected { name: string, text: string }, got ${typeOf(file)}`,
        );
      }
      return file;
    });
  }
  throw spanlinkError(
    "INVALID_ARGUMENT",
    "yamlText",
    `yamlText: expected a string or an array of { name, text } files, got ${typeOf(input)}`,
  );
}

/**
 * The YAML documents of one text, each `{ value, node }`. `place(offset)` turns an offset of
 * `text` into the `{ line, column }` of the user's file (texts inside a ConfigMap are shifted).
 */
function documentsOf(name, text, place) {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { merge: true, prettyErrors: true, lineCounter });
  const list = Array.isArray(docs) ? docs : [];
  const out = [];
  for (const doc of list) {
    const problem = doc.errors[0];
    if (problem) {
      const at = place(lineCounter, problem.pos[0]);
      const first = problem.message.split("\n")[0];
      throw spanlinkError("INVALID_YAML", "", `${name}:${at.line}:${at.column}: ${first}`, {
        line: at.line,
        column: at.column,
        file: name,
      });
    }
    if (doc.contents === null) continue; // an empty document, e.g. after a trailing `---`
    let value;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw spanlinkError("INVALID_YAML", "", `${name}: ${e && e.message}`, { file: name });
    }
    out.push({ value, node: doc.contents, text, at: (offset) => place(lineCounter, offset) });
  }
  return out;
}

/** `{ line, column }` (1-based) of an offset, as the yaml package's LineCounter counts. */
function linePosition(lineCounter, offset) {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** Positions of every key and sequence item under `node`, by JSON path. */
function positionsOf(node, at) {
  const positions = {};
  const walk = (n, path) => {
    if (isMap(n)) {
      for (const pair of n.items) {
        if (!isPair(pair) || !isScalar(pair.key) || pair.key.value === "<<") continue;
        const keyPath = child(path, String(pair.key.value));
        if (pair.key.range) positions[keyPath] = at(pair.key.range[0]);
        walk(pair.value, keyPath);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => {
        const itemPath = `${path}[${i}]`;
        if (item && item.range && !isAlias(item)) positions[itemPath] = at(item.range[0]);
        walk(item, itemPath);
      });
    }
  };
  walk(node, "");
  return positions;
}

/** The value node at `key` of a YAML map node. */
const nodeAt = (map, key) =>
  isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key)?.value : undefined;

function decodeBase64(text) {
  const bytes = Uint8Array.from(atob(text.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * How offsets of a block scalar's content (`key: |` followed by indented lines) map to the outer
 * file: content line k is the k-th line after the `|` header, shifted right by the content's
 * indentation. Any other scalar style maps every position to the scalar itself.
 */
function innerPlace(outerText, at, scalar) {
  const header = at(scalar.range[0]);
  if (scalar.type !== "BLOCK_LITERAL" && scalar.type !== "BLOCK_FOLDED") return () => header;
  const contentStart = outerText.indexOf("\n", scalar.range[0]) + 1;
  const indent = /^ */.exec(outerText.slice(contentStart))[0].length;
  return (lineCounter, offset) => {
    const p = linePosition(lineCounter, offset);
    return { line: header.line + p.line, column: p.column + indent };
  };
}

/**
 * The provisioning documents one YAML document carries: itself, or the entries of a ConfigMap,
 * a Secret or the Helm chart's `datasources:` values.
 */
function unwrap(name, within, doc, out) {
  const { value, node, at, text: outerText } = doc;
  if (
    isObject(value) &&
    (value.kind === "ConfigMap" || value.kind === "Secret") &&
    typeof value.apiVersion === "string"
  ) {
    const kind = value.kind;
    const resource = `${kind} ${value.metadata?.name ?? "(unnamed)"}`;
    for (const field of ["data", "stringData"]) {
      const entries = value[field];
      if (!isObject(entries)) continue;
      for (const [key, text] of Object.entries(entries)) {
        if (!isYamlName(key) || typeof text !== "string") continue;
        const scalar = nodeAt(nodeAt(node, field), key);
        const base64 = kind === "Secret" && field === "data";
        const inner = base64 ? decodeBase64(text) : text;
        const place =
          base64 || !scalar ? () => at(scalar?.range?.[0] ?? 0) : innerPlace(outerText, at, scalar);
        const docs = documentsOf(name, inner, place);
        docs.forEach((d, i) => {
          const where = `${resource}, key ${key}${docs.length > 1 ? `, document ${i + 1}` : ""}`;
          out.push(fileOf(name, where, d));
        });
      }
    }
    return;
  }
  // The Grafana Helm chart: `datasources: { "datasources.yaml": { apiVersion, datasources } }`,
  // at the top of the values or under `grafana:` in an umbrella chart.
  for (const [prefix, values, valuesNode] of [
    ["", value, node],
    ["grafana.", value?.grafana, nodeAt(node, "grafana")],
  ]) {
    const block = isObject(values) ? values.datasources : undefined;
    if (!isObject(block) || !Object.keys(block).some(isYamlName)) continue;
    for (const [key, inner] of Object.entries(block)) {
      if (!isYamlName(key) || !isObject(inner)) continue;
      const innerNode = nodeAt(nodeAt(valuesNode, "datasources"), key);
      out.push(
        fileOf(name, `Helm values ${prefix}datasources.${key}`, {
          value: inner,
          node: innerNode,
          at,
        }),
      );
    }
    return;
  }
  out.push(fileOf(name, within, doc));
}

const fileOf = (name, within, { value, node, at }) => ({
  name,
  ...(within ? { within } : {}),
  document: value,
  positions: node ? positionsOf(node, at) : {},
});

/**
 * Builds `parseProvisioning` on an engine module (each entry passes its own wasm glue).
 * @param {{ assembleProvisioning(files: unknown, env: unknown): { document: object, findings: unknown[] } }} engine
 */
export function provisioningReader(engine) {
  /**
   * Reads provisioning YAML as Grafana does and returns the assembled document. `input` is one
   * YAML text (several documents may be joined with `---`) or a list of `{ name, text }` files,
   * applied in the order given (Grafana reads a directory's files sorted by name).
   * `options.env`: the environment variables Grafana would expand (`$VAR`, `${VAR}`); an unset
   * one expands to "" with an `UNSET_ENV_VAR` finding. `options.name`: the file name of a single
   * text (default `datasources.yaml`). Findings of the assembly, and the lint's, carry their file,
   * line and column once the document is given to `new Correlator(...)`.
   */
  return function parseProvisioning(input, options = {}) {
    if (!isObject(options))
      throw spanlinkError(
        "INVALID_ARGUMENT",
        "options",
        `options: expected an object, got ${typeOf(options)}`,
      );
    const env = options.env ?? {};
    if (!isObject(env) || Object.values(env).some((v) => typeof v !== "string")) {
      throw spanlinkError(
        "INVALID_ARGUMENT",
        "options.env",
        "options.env: expected an object of strings",
      );
    }
    const files = [];
    for (const { name, text } of filesOf(input, options)) {
      const docs = documentsOf(name, text, linePosition);
      docs.forEach((doc, i) => {
        if (!isObject(doc.value)) {
          throw spanlinkError(
            "INVALID_YAML",
            "",
            `${name}: the provisioning document${docs.length > 1 ? ` ${i + 1}` : ""} is not a YAML mapping`,
            { line: doc.at(doc.node.range?.[0] ?? 0).line, file: name },
          );
        }
        unwrap(name, docs.length > 1 ? `document ${i + 1}` : undefined, doc, files);
      });
    }
    if (files.length === 0) {
      throw spanlinkError("INVALID_YAML", "", "the provisioning input holds no YAML document", {
        line: 1,
      });
    }
    const { document } = engine.assembleProvisioning(files, env);
    Object.defineProperty(document, SET_KEY, { value: { files, env }, enumerable: false });
    return document;
  };
}
