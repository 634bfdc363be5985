// Where a finding's JSON path (`a.b[0].c`) sits in YAML or JSON text, for findings the engine
// could not place itself.

/** The keys and indexes of a path such as `datasources[0].jsonData.tags[1].value`. */
function pathSegments(path: string): (string | number)[] {
  const segs: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    segs.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return segs;
}

/**
 * The line of a provisioning path such as `datasources[0].jsonData.tracesToLogsV2.tags[1].value`
 * in YAML text: follows the indentation of the block-style keys and `- ` list items.
 * Returns 0 when it cannot tell.
 */
export function yamlLineOf(yaml: string, path: string): number {
  const segs = pathSegments(path);
  if (!segs.length) return 0;
  const lines = yaml.split("\n");
  let from = 0;
  let to = lines.length;
  let indent = -1; // indentation of the keys of the current mapping (-1: any)
  let best = 0;
  for (const seg of segs) {
    let found = -1;
    if (typeof seg === "string") {
      for (let i = from; i < to; i++) {
        const m = /^(\s*)(- +)?(["']?)([^:'"#]+)\3\s*:/.exec(lines[i]);
        if (!m) continue;
        const ind = m[1].length + (m[2]?.length ?? 0);
        if (indent >= 0 && ind !== indent) continue;
        if (m[4].trim() === seg) {
          found = i;
          indent = -1;
          break;
        }
        if (indent < 0) indent = ind;
      }
    } else {
      let k = -1;
      let itemIndent = -1;
      for (let i = from; i < to; i++) {
        const m = /^(\s*)- /.exec(lines[i]);
        if (!m) continue;
        if (itemIndent < 0) itemIndent = m[1].length;
        if (m[1].length !== itemIndent) continue;
        if (++k === seg) {
          found = i;
          indent = m[1].length + 2;
          break;
        }
      }
    }
    if (found < 0) break;
    best = found + 1;
    // the block of this key / item: until a line indented no deeper than it
    const baseIndent = /^(\s*)/.exec(lines[found])![1].length;
    let end = found + 1;
    while (
      end < to &&
      (lines[end].trim() === "" ||
        lines[end].trimStart().startsWith("#") ||
        /^(\s*)/.exec(lines[end])![1].length > baseIndent)
    )
      end++;
    if (typeof seg === "number") {
      from = found; // the item's first key is on the `- ` line
    } else {
      from = found + 1;
    }
    to = end;
  }
  return best;
}

/**
 * The line of a path such as `resourceSpans[0].scopeSpans[0].spans[3].traceId` in JSON text: walks
 * the objects and arrays to the value. Returns 0 when the path is not there.
 */
export function jsonLineOf(json: string, path: string): number {
  let i = 0;
  const space = () => {
    while (i < json.length && " \t\n\r".includes(json[i])) i++;
  };
  const skipString = () => {
    for (i++; i < json.length && json[i] !== '"'; i++) if (json[i] === "\\") i++;
    i++;
  };
  const skipValue = () => {
    space();
    if (json[i] === '"') return skipString();
    if (json[i] !== "{" && json[i] !== "[") {
      while (i < json.length && !",]} \t\n\r".includes(json[i])) i++; // a number, true, false, null
      return;
    }
    let depth = 0;
    do {
      const c = json[i];
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === "{" || c === "[") depth++;
      else if (c === "}" || c === "]") depth--;
      i++;
    } while (depth > 0 && i < json.length);
  };
  /** Moves past a `,` (true) or stops at the end of the container (false). */
  const next = () => {
    space();
    if (json[i] !== ",") return false;
    i++;
    return true;
  };
  for (const seg of pathSegments(path)) {
    space();
    if (typeof seg === "number") {
      if (json[i++] !== "[") return 0;
      for (let k = 0; k < seg; k++) {
        skipValue();
        if (!next()) return 0;
      }
    } else {
      if (json[i++] !== "{") return 0;
      for (;;) {
        space();
        if (json[i] !== '"') return 0;
        const start = i;
        skipString();
        const key = JSON.parse(json.slice(start, i)) as string;
        space();
        if (json[i++] !== ":") return 0;
        if (key === seg) break;
        skipValue();
        if (!next()) return 0;
      }
    }
  }
  space();
  let line = 1;
  for (let k = 0; k < i && k < json.length; k++) if (json.charCodeAt(k) === 10) line++;
  return line;
}
