// Where a finding's JSON path sits in YAML text, for findings the engine could not place itself.

/**
 * The line of a provisioning path such as `datasources[0].jsonData.tracesToLogsV2.tags[1].value`
 * in YAML text: follows the indentation of the block-style keys and `- ` list items.
 * Returns 0 when it cannot tell.
 */
export function yamlLineOf(yaml: string, path: string): number {
  const segs: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    segs.push(m[2] !== undefined ? Number(m[2]) : m[1]);
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
