// Completion in the settings editor: the data source uids the settings provision (after a
// `datasourceUid:` key), and the template variables of trace links (docs/grafana.md §2), with the
// attribute keys of the loaded trace inside `${__span.tags["…"]}`.
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";

export interface CompletionData {
  /** The provisioned data sources (uid, name, type). */
  datasources(): { uid: string; name: string; type: string }[];
  /** The span and resource attribute keys of the loaded trace. */
  attributes(): string[];
}

/** The fields of `${__span.…}` and `${__trace.…}` (docs/grafana.md §2). */
const FIELDS: Record<string, string[]> = {
  __span: ["spanId", "traceId", "duration", "name", "tags"],
  __trace: ["traceId", "duration", "name"],
};
const VARIABLES = ["__span", "__trace", "__tags", "__value.raw"];

export function settingsCompletion(data: CompletionData) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const result = (typed: string, options: Completion[]) =>
      options.length ? { from: ctx.pos - typed.length, options, validFor: /^[\w.-]*$/ } : null;

    let m = /\$\{__span\.tags\["([^"]*)$/.exec(before);
    if (m)
      return result(
        m[1],
        data.attributes().map((key) => ({ label: key, type: "property" })),
      );
    m = /\$\{(__span|__trace)\.(\w*)$/.exec(before);
    if (m)
      return result(
        m[2],
        FIELDS[m[1]].map((f) => ({ label: f, type: "property" })),
      );
    m = /\$\{(\w*)$/.exec(before);
    if (m)
      return result(
        m[1],
        VARIABLES.map((v) => ({ label: v, type: "variable" })),
      );
    m = /\bdatasourceUid:\s*["']?([\w-]*)$/.exec(before);
    if (m)
      return result(
        m[1],
        data
          .datasources()
          .map((d) => ({ label: d.uid, detail: `${d.name} · ${d.type}`, type: "constant" })),
      );
    return null;
  };
}
