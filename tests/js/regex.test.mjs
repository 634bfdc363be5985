// The same regex through Node's own RegExp (Grafana's engine) and through spanlink: a `regex`
// correlation transformation (flags `gi`, every match, last wins) must give the same variables.
import test from "node:test";
import assert from "node:assert/strict";
import { applyTransformations } from "spanlink";

/** Grafana's getTransformationVars for a `regex` transformation, run with Node's RegExp. */
function grafanaRegexVars(expression, value, mapValue, fieldName) {
  const regexp = new RegExp(expression, "gi");
  const text = typeof value === "string" ? value : JSON.stringify(value);
  let vars = {};
  for (const match of text.matchAll(regexp)) {
    if (match.groups) vars = { ...match.groups };
    else vars[mapValue || fieldName] = match[1] || match[0];
  }
  // An `undefined` group renders as "" in a link; spanlink writes it as "".
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v ?? ""]));
}

function spanlinkRegexVars(expression, value, mapValue, fieldName) {
  const t = [{ type: "regex", expression, ...(mapValue ? { mapValue } : {}) }];
  return applyTransformations(t, value, { fieldName });
}

/** Whether JavaScript without `u` sees one text position where spanlink sees one character:
 *  both agree on every input without characters outside the BMP. */
const PATTERNS = [
  // JavaScript character classes and their Unicode edges.
  String.raw`\s`,
  String.raw`a\sb`,
  String.raw`(\s+)`,
  String.raw`\S+`,
  String.raw`x\s*=\s*(\w+)`,
  String.raw`(\d+)`,
  String.raw`\D+`,
  String.raw`(\w+)`,
  String.raw`\W`,
  String.raw`\bid\b`,
  String.raw`(\b\w)`,
  String.raw`\Bd`,
  String.raw`a.b`,
  String.raw`(.+)`,
  String.raw`^(.*)$`,
  String.raw`(.)`,
  String.raw`[^\n]+`,
  String.raw`[\s\S]+`,
  String.raw`[^]`,
  String.raw`[]|x`,
  // Case folding under `i`.
  "é",
  "(É+)",
  "straße",
  "[a-z]+",
  "[^a-z]+",
  "k",
  "s",
  "σ",
  "[à-ÿ]+",
  "ǆ",
  "(ß)",
  // Anchors and Annex B syntax.
  "^a",
  "a$",
  "^$",
  String.raw`x{`,
  String.raw`a{2}`,
  String.raw`a{2,}`,
  String.raw`a{1,2}?`,
  String.raw`\{(\w+)\}`,
  String.raw`\1(a)`,
  String.raw`(a)\1`,
  String.raw`\8`,
  String.raw`\x41`,
  String.raw`\u00e9`,
  String.raw`\cJ`,
  String.raw`\0`,
  String.raw`[\b]`,
  String.raw`[\d-z]+`,
  "a|b",
  "(a)|(b)",
  "(?:ab)+",
  // JavaScript's repetition rules: captures unset each round, an empty round fails.
  "(?:(a)|b)+",
  "(z)((a+)?(b+)?(c))*",
  "(a*)*",
  String.raw`(\w)+`,
  // Look-behind matches right to left.
  String.raw`(?<=(\d+)(\d+))$`,
  String.raw`(?<=(a))b`,
  "a*?",
  "a+?",
  "(a?)",
  "b*",
  "(x)?y",
  // Look-around, back-references, named groups.
  String.raw`(?=(\w+))`,
  String.raw`(?<=id=)(\w+)`,
  String.raw`(?<!x)y`,
  String.raw`a(?!b)`,
  String.raw`(?<w>\w)\k<w>`,
  String.raw`(?<key>\w+)=(?<val>\w*)`,
  String.raw`(?<a>x)|(?<b>y)`,
  "(?=.*(?<application>(grafana|loki)))(?=.*(?<environment>(dev|prod)))",
  // Grafana's documented correlation regexes and intro-to-mltp style patterns over tags JSON.
  String.raw`{(?=[^\}]*\bkey":"host")[^\}]*\bvalue":"(.*?)".*}`,
  String.raw`.*{"value":"(.*?)","key":"beast".*}`,
  String.raw`"value":"([^"]+)","key":"k8s\.pod\.name"`,
  String.raw`"key":"service\.name","value":"(\w+)"`,
  String.raw`host=(dev|prod)`,
  String.raw`traceID=(\w+)`,
  String.raw`trace_?[iI][dD]=(\w+)`,
  String.raw`(?:traceID|trace_id)=(\w+)`,
  String.raw`"traceId":"(\w+)"`,
];

const INPUTS = [
  "",
  "a b",
  "a\u00a0b",
  "a\ufeffb",
  "a\u2028b",
  "a\u2029b",
  "a\u3000b",
  "a\u1680b",
  "a\u200ab",
  "a\r\nb",
  "a\rb",
  "a\nb",
  "a\tb\vc\fd",
  "ID id_x idé",
  "x = 42",
  "x=é",
  "é É",
  "ÉCOLE école",
  "STRASSE straße STRAẞE",
  "\u212a k K",
  "ſ s S",
  "Σσς",
  "ǄǅǆDž",
  "àÿÀŸ",
  "٣٤ 34",
  "aab aaa",
  "x{ a{2} {word}",
  "\u0001a a",
  "A",
  "\n",
  "\0",
  "\b",
  "1-z",
  "ab abab",
  "id=abc id=x",
  "xy zy",
  "key=val k2= k3",
  "prod server running loki",
  "dev grafana",
  "trace_id=abc123 traceID=def",
  "TRACEID=abc",
  '{"traceId":"7946b05c"}',
  '[{"key":"host","value":"h1"},{"value":"v2","key":"beast"}]',
  '[{"value":"manticore","key":"beast"},{"value":"x","key":"god"}]',
  '[{"value":"cart-7d9f","key":"k8s.pod.name"}]',
  '[{"key":"service.name","value":"cart"}]',
  "host=dev-001 host=prod-2",
  "zaacbbbcac",
  "1053",
  "baaabac",
];

test("regex transformations agree with Node's RegExp (flags gi, every match, last wins)", (t) => {
  let compared = 0;
  const differences = [];
  for (const pattern of PATTERNS) {
    let jsError = null;
    try {
      new RegExp(pattern, "gi");
    } catch (e) {
      jsError = e;
    }
    if (jsError) {
      assert.throws(
        () => spanlinkRegexVars(pattern, "x", "v", "f"),
        `${pattern} compiles in spanlink`,
      );
      continue;
    }
    for (const input of INPUTS) {
      for (const mapValue of input.length < 4 ? ["v", undefined] : ["v"]) {
        const expected = grafanaRegexVars(pattern, input, mapValue, "field");
        const actual = spanlinkRegexVars(pattern, input, mapValue, "field");
        compared++;
        try {
          assert.deepEqual(actual, expected);
        } catch {
          differences.push(
            `${JSON.stringify(pattern)} on ${JSON.stringify(input)}: spanlink ${JSON.stringify(actual)}, RegExp ${JSON.stringify(expected)}`,
          );
        }
      }
    }
  }
  t.diagnostic(`${compared} comparisons`);
  assert.ok(compared >= 200, `only ${compared} comparisons`);
  assert.deepEqual(differences, []);
});

test("non-string values are matched as JSON.stringify writes them", () => {
  const tags = [
    { key: "host", value: "h1" },
    { value: "v2", key: "beast" },
  ];
  for (const pattern of PATTERNS.slice(-8)) {
    assert.deepEqual(
      spanlinkRegexVars(pattern, tags, "v", "tags"),
      grafanaRegexVars(pattern, tags, "v", "tags"),
      pattern,
    );
  }
});

test("patterns JavaScript rejects are rejected", () => {
  for (const bad of [
    "*",
    "a**",
    "(",
    ")",
    "[a",
    "[z-a]",
    "a{2,1}",
    "(?<1>a)",
    "(?<a>.)(?<a>.)",
    "\\",
    "^*",
    "(?<a>x)\\k<b>",
  ]) {
    assert.throws(() => new RegExp(bad, "gi"), bad);
    assert.throws(
      () => spanlinkRegexVars(bad, "x", "v", "f"),
      (e) => e.code === "INVALID_REGEX",
      bad,
    );
  }
});
