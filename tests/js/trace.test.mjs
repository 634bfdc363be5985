// parseTrace degrades on bad text inside a valid trace instead of rejecting it (issue #10 item 2):
// lone UTF-16 surrogates become U+FFFD, a span with a broken field is kept without that field and
// `trace.warnings()` says which field and why. Grafana (JavaScript) parses such documents and
// shows what it can; only a document that is not a trace at all is an error.
import test from "node:test";
import assert from "node:assert/strict";
import * as spanlink from "spanlink";

const otlpText = String.raw`{"resourceSpans": [{"resource": {"attributes": [
  {"key": "service.name", "value": {"stringValue": "cart\ud800"}}]},
  "scopeSpans": [{"spans": [{"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
  "name": "GET \udc00/cart \ud83d\ude00",
  "attributes": [{"key": "user\udbff", "value": {"stringValue": "a\ud800\ud800b"}}]}]}]}]}`;

test("lone surrogate escapes in trace JSON text become U+FFFD; the trace parses", () => {
  // What JavaScript holds for these strings, made well-formed: the only change a Rust string needs.
  const js = JSON.parse(otlpText);
  const jsSpan = js.resourceSpans[0].scopeSpans[0].spans[0];
  const trace = spanlink.parseTrace(otlpText);
  const [span] = trace.spans();
  assert.equal(
    span.serviceName,
    js.resourceSpans[0].resource.attributes[0].value.stringValue.toWellFormed(),
  );
  assert.equal(span.serviceName, "cart\uFFFD");
  assert.equal(span.operationName, jsSpan.name.toWellFormed());
  assert.equal(
    span.operationName,
    "GET \uFFFD/cart \u{1F600}",
    "a proper pair stays one character",
  );
  assert.deepEqual(span.tags, [{ key: "user\uFFFD", value: "a\uFFFD\uFFFDb" }]);
  assert.deepEqual(trace.warnings(), []);
  trace.free();
});

test("lone surrogates in an already-parsed object become U+FFFD too", () => {
  const doc = JSON.parse(otlpText);
  assert.equal(doc.resourceSpans[0].resource.attributes[0].value.stringValue, "cart\ud800");
  const trace = spanlink.parseTrace(doc);
  assert.equal(trace.spans()[0].serviceName, "cart\uFFFD");
  trace.free();
  // Jaeger and Zipkin documents, as objects.
  const jaeger = {
    data: [
      {
        processes: { p1: { serviceName: "svc\udfff", tags: [] } },
        spans: [{ traceID: "a", spanID: "b", processID: "p1", operationName: "\ud800op" }],
      },
    ],
  };
  const j = spanlink.parseTrace(jaeger);
  assert.deepEqual(
    [j.spans()[0].serviceName, j.spans()[0].operationName],
    ["svc\uFFFD", "\uFFFDop"],
  );
  j.free();
  const z = spanlink.parseTrace([
    { traceId: "a", id: "1", name: "x", tags: { "k\ud800": "v\udc00" } },
  ]);
  assert.deepEqual(z.spans()[0].tags, [{ key: "k\uFFFD", value: "v\uFFFD" }]);
  z.free();
});

test("a span with a broken field is kept without it; warnings() names the field and why", () => {
  const doc = {
    data: [
      {
        traceID: "abc",
        processes: { p1: { serviceName: "cart", tags: [] } },
        spans: [
          {
            traceID: "abc",
            spanID: "0001",
            operationName: "ok",
            processID: "p1",
            startTime: 10,
            duration: 5,
            tags: [],
          },
          {
            traceID: "abc",
            spanID: "0002",
            operationName: "bad time",
            processID: "p1",
            startTime: "soon",
            duration: 5,
            references: [{ refType: "CHILD_OF", traceID: "abc", spanID: "0001" }],
            tags: 7,
          },
          {
            traceID: "abc",
            spanID: "0003",
            operationName: "no process",
            processID: "p9",
            startTime: 11,
            duration: 1,
            tags: [
              { key: "http.method", type: "string", value: "GET" },
              { type: "string", value: "no key" },
            ],
          },
        ],
      },
    ],
  };
  const trace = spanlink.parseTrace(doc);
  assert.equal(trace.spanCount, 3, "every span is kept");
  const spans = trace.spans();
  assert.deepEqual(
    spans.map((s) => s.operationName),
    ["ok", "bad time", "no process"],
  );
  assert.equal(spans[1].startTime, 0, "the broken start time is left out");
  assert.equal(spans[1].duration, 5);
  assert.equal(spans[1].parentSpanID, "0001", "the span's other fields are read");
  assert.deepEqual(spans[1].tags, []);
  assert.equal(spans[2].serviceName, "");
  assert.deepEqual(spans[2].tags, [{ key: "http.method", value: "GET" }]);
  const warnings = trace.warnings().sort((a, b) => a.path.localeCompare(b.path));
  assert.deepEqual(
    warnings.map((w) => w.path),
    [
      "data[0].spans[1].startTime",
      "data[0].spans[1].tags",
      "data[0].spans[2].processID",
      "data[0].spans[2].tags[1].key",
    ],
  );
  assert.match(warnings[0].reason, /expected a number or a numeric string, found "soon"/);
  assert.match(warnings[1].reason, /expected an array, found a number: 7/);
  assert.match(warnings[2].reason, /no process "p9"/);
  assert.match(warnings[3].reason, /missing `key`/);
  for (const w of warnings) assert.deepEqual(Object.keys(w), ["path", "reason"]);
  trace.free();
});

test("text that is not JSON or not a trace is still a typed error", () => {
  for (const [input, code] of [
    ['{"resourceSpans": [', "INVALID_JSON"],
    ['[{"name": "\\ud800', "INVALID_JSON"],
    ['{"hello": "\\ud800"}', "INVALID_TRACE"],
    ['"cart\\ud800"', "INVALID_TRACE"],
  ]) {
    assert.throws(
      () => spanlink.parseTrace(input),
      (e) => {
        assert.equal(e.name, "SpanlinkError");
        assert.equal(e.code, code, e.message);
        assert.equal(e.path, "");
        return true;
      },
    );
  }
});
