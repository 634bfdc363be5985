//! The JavaScript binding: argument conversion and error mapping only. The core never sees a
//! JS type. Every error leaves as a JS `Error` named `SpanlinkError` with own `code`, `path`
//! and `message` properties.
//!
//! Object arguments are read through serde derives (the `…Arg` structs below, in the shapes the
//! TypeScript types describe) and results are written through the core types' `Serialize`
//! derives. Both cross as JSON text (`JSON.stringify` / `JSON.parse` in JS, `serde_json` here):
//! a cycle, a BigInt or a throwing getter becomes an `INVALID_ARGUMENT` error instead of a trap,
//! serde_json's 128-level nesting limit keeps a hostile deep object off wasm's stack, and
//! [`json_path_at`] names the exact field of a bad value (`options.appSubUrl`).
#![cfg(target_family = "wasm")]

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorCode};

type JsResult<T> = std::result::Result<T, JsValue>;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("wasm_types.d.ts");

/// A core error as a thrown `SpanlinkError`.
fn to_js(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("SpanlinkError");
    let obj: &JsValue = err.as_ref();
    let _ = js_sys::Reflect::set(obj, &"code".into(), &e.code.as_str().into());
    let _ = js_sys::Reflect::set(obj, &"path".into(), &e.path.as_str().into());
    err.into()
}

fn invalid(arg: &str, message: String) -> JsValue {
    to_js(Error::new(ErrorCode::InvalidArgument, arg, format!("{arg}: {message}")))
}

fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

/// A required string argument.
fn string_arg(v: &JsValue, arg: &str) -> JsResult<String> {
    v.as_string().ok_or_else(|| invalid(arg, format!("expected a string, got {}", type_name(v))))
}

/// An optional string argument (`undefined` / `null` mean none).
fn opt_string_arg(v: &JsValue, arg: &str) -> JsResult<Option<String>> {
    if v.is_undefined() || v.is_null() {
        Ok(None)
    } else {
        string_arg(v, arg).map(Some)
    }
}

/// Any JSON-compatible argument, as JSON text.
fn json_text_arg(v: &JsValue, arg: &str) -> JsResult<String> {
    let text = js_sys::JSON::stringify(v)
        .map_err(|e| invalid(arg, format!("not JSON-compatible: {}", js_message(&e))))?;
    text.as_string()
        .ok_or_else(|| invalid(arg, format!("expected a JSON value, got {}", type_name(v))))
}

/// An argument read into `T` through its serde derive; a bad value's error names its path
/// below `arg` (`options.features.dynamicTraceToLogs`, `scopedVars.a`, `transformations[0]`).
fn arg<T: DeserializeOwned>(v: &JsValue, arg: &str) -> JsResult<T> {
    let text = json_text_arg(v, arg)?;
    serde_json::from_str(&text).map_err(|e| {
        // The text is one line (JSON.stringify's), so the column is the byte offset of the error.
        let path = match json_path_at(&text, e.column()) {
            p if p.is_empty() => arg.to_string(),
            p if p.starts_with('[') => format!("{arg}{p}"),
            p => format!("{arg}.{p}"),
        };
        // serde_json appends " at line 1 column N" of the text made here: no use to the caller.
        let message = e.to_string();
        let message = message.rfind(" at line ").map_or(message.as_str(), |at| &message[..at]);
        invalid(&path, message.to_string())
    })
}

/// The path (`a.b[2].c`) of the value being read at byte `offset` of compact JSON text: the key
/// of each enclosing object once its `:` is read, the index in each enclosing array. serde_json
/// reports a bad value at its end (a missing field at its object's `}`), so this names the value
/// or object that failed, as a path-tracking deserializer would, without its code in every
/// derive's instantiation.
fn json_path_at(text: &str, offset: usize) -> String {
    enum Frame {
        /// An object, and the key whose value is being read.
        Object(Option<String>),
        Array(usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut last_string = None;
    let mut bytes = text.as_bytes()[..offset.min(text.len())].iter().enumerate();
    while let Some((i, &b)) = bytes.next() {
        match b {
            b'"' => {
                // To the closing quote (JSON.stringify escapes every `"` and `\\` inside).
                let start = i;
                while let Some((j, &c)) = bytes.next() {
                    match c {
                        b'\\' => _ = bytes.next(),
                        b'"' => {
                            last_string = Some(start..j + 1);
                            break;
                        }
                        _ => {}
                    }
                }
            }
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => _ = stack.pop(),
            b':' => {
                if let (Some(Frame::Object(key)), Some(range)) =
                    (stack.last_mut(), last_string.take())
                {
                    *key = serde_json::from_str(&text[range]).ok();
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            _ => {}
        }
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) if path.is_empty() => path.push_str(key),
            Frame::Object(Some(key)) => path.push_str(&format!(".{key}")),
            Frame::Object(None) => {}
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// An optional argument: `undefined` and `null` are `T::default()`.
fn opt_arg<T: DeserializeOwned + Default>(v: &JsValue, name: &str) -> JsResult<T> {
    if v.is_undefined() || v.is_null() {
        Ok(T::default())
    } else {
        arg(v, name)
    }
}

fn js_message(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default()
}

/// A result as plain JS objects and arrays, through its `Serialize` derive: JSON text written
/// here, parsed by `JSON.parse` (one call into JS instead of one per field).
fn out<T: Serialize + ?Sized>(v: &T) -> JsResult<JsValue> {
    let text = serde_json::to_string(v).map_err(|e| invalid("result", e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// Links as plain JS objects, built field by field through serde-wasm-bindgen: a span's few
/// links cost less so than writing their long hrefs into JSON text and parsing it back.
fn links_out(links: &[crate::Link]) -> JsResult<JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    // A query number past 2^53 has no exact JS number: JSON.parse's rounding, as elsewhere.
    links.serialize(&serializer).or_else(|_| out(links))
}

/// `CorrelatorOptions`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct CorrelatorOptionsArg {
    tracing_datasource: Option<String>,
    app_sub_url: Option<String>,
    features: Option<FeaturesArg>,
}

/// `CorrelatorOptions.features`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct FeaturesArg {
    dynamic_trace_to_logs: Option<bool>,
}

/// `TransformOptions`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct TransformOptionsArg {
    field_name: Option<String>,
    fields: Option<Map<String, Value>>,
}

/// One entry of `ScopedVars`: `{ value, text? }`.
#[derive(Deserialize)]
struct ScopedVarArg {
    #[serde(default)]
    value: Value,
    text: Option<String>,
}

/// A dashboard variable: one value or several.
enum VariableArg {
    One(String),
    Many(Vec<String>),
}

/// By hand rather than `#[serde(untagged)]`: an untagged enum's error has no position in the
/// text, and [`json_path_at`] needs one to name the variable (`options.variables.x`).
impl<'de> Deserialize<'de> for VariableArg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<VariableArg, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = VariableArg;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E>(self, v: &str) -> Result<VariableArg, E> {
                Ok(VariableArg::One(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<VariableArg, A::Error> {
                let mut values = Vec::new();
                while let Some(v) = seq.next_element()? {
                    values.push(v);
                }
                Ok(VariableArg::Many(values))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `InterpolateOptions`.
#[derive(Deserialize, Default)]
struct InterpolateOptionsArg {
    format: Option<String>,
    variables: Option<HashMap<String, VariableArg>>,
    range: Option<crate::TimeRange>,
}

/// `ExploreState`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExploreStateArg {
    datasource: Option<String>,
    queries: Option<Vec<Value>>,
    range: Option<crate::explore::ExploreRange>,
    panels_state: Option<Value>,
}

/// Labels as `Record<string, string>`, in the object's key order.
fn labels_arg(v: &JsValue, name: &str) -> JsResult<Vec<(String, String)>> {
    let map: Map<String, Value> = opt_arg(v, name)?;
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            other => Err(invalid(
                name,
                format!("label {k:?} must be a string, got {}", crate::js::type_name(&other)),
            )),
        })
        .collect()
}

/// A parsed trace: parse once, query many spans.
#[wasm_bindgen(js_name = Trace)]
pub struct JsTrace {
    inner: crate::Trace,
}

#[wasm_bindgen(js_class = Trace)]
impl JsTrace {
    /// Every span in document order, with Grafana's trace-view field names.
    #[wasm_bindgen(unchecked_return_type = "SpanData[]")]
    pub fn spans(&self) -> JsResult<JsValue> {
        out(&self.inner.spans)
    }

    /// The trace id (of the first span).
    #[wasm_bindgen(getter, js_name = traceId)]
    pub fn trace_id(&self) -> String {
        self.inner.trace_id().to_string()
    }

    /// The detected format.
    #[wasm_bindgen(getter, unchecked_return_type = "TraceFormat")]
    pub fn format(&self) -> JsResult<JsValue> {
        out(&self.inner.format)
    }

    /// The fields of the document that could not be read and were left out (path and reason);
    /// their spans are kept without them.
    #[wasm_bindgen(unchecked_return_type = "TraceWarning[]")]
    pub fn warnings(&self) -> JsValue {
        let out = js_sys::Array::new();
        for w in self.inner.warnings() {
            let obj = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&obj, &"path".into(), &w.path.as_str().into());
            let _ = js_sys::Reflect::set(&obj, &"reason".into(), &w.reason.as_str().into());
            out.push(&obj);
        }
        out.into()
    }

    /// The number of spans.
    #[wasm_bindgen(getter, js_name = spanCount)]
    pub fn span_count(&self) -> u32 {
        self.inner.spans.len() as u32
    }
}

/// Parses a Tempo/OTLP, Jaeger or Zipkin v2 trace (JSON text or the parsed object), or Grafana's
/// trace data frame (a `DataFrame`, a `DataFrameJSON`, or a panel's `data.series`).
#[wasm_bindgen(js_name = parseTrace)]
pub fn parse_trace(
    #[wasm_bindgen(
        unchecked_param_type = "string | object | TraceFrameInput | readonly TraceFrameInput[]"
    )]
    trace: JsValue,
) -> JsResult<JsTrace> {
    let inner = match trace.as_string() {
        Some(text) => crate::Trace::from_json(&text),
        None => {
            let text = json_text_arg(&plain_frames(&trace), "trace")?;
            if is_series(&trace) {
                // An array of frames: read from the tree (as text it would read as Zipkin's array).
                let tree = crate::js::json_parse::<Value>(&text)
                    .map_err(|e| invalid("trace", e.to_string()))?;
                crate::Trace::from_value(&tree)
            } else {
                crate::Trace::from_json(&text)
            }
        }
    };
    inner.map(|inner| JsTrace { inner }).map_err(to_js)
}

/// Whether `v` is a panel's `data.series`: an array whose first element is a data frame.
fn is_series(v: &JsValue) -> bool {
    let first =
        js_sys::Array::is_array(v).then(|| js_sys::Reflect::get(v, &0.into()).ok()).flatten();
    first.is_some_and(|f| {
        f.is_object()
            && ["fields", "schema"]
                .iter()
                .any(|k| js_sys::Reflect::get(&f, &(*k).into()).is_ok_and(|x| !x.is_undefined()))
    })
}

/// A panel's data frames as plain data: each `DataFrame` reduced to its name, meta's
/// visualisation type and `fields[].{name, type, values}`. Frames in a panel carry more (display
/// functions, field state with proxies, caches) that `JSON.stringify` must not walk.
fn plain_frames(v: &JsValue) -> JsValue {
    if js_sys::Array::is_array(v) {
        let frames: js_sys::Array = v.clone().unchecked_into();
        return frames.iter().map(|f| plain_frame(&f)).collect::<js_sys::Array>().into();
    }
    plain_frame(v)
}

fn plain_frame(v: &JsValue) -> JsValue {
    let get = |o: &JsValue, key: &str| js_sys::Reflect::get(o, &key.into()).unwrap_or_default();
    let fields = if v.is_object() { get(v, "fields") } else { JsValue::UNDEFINED };
    if !js_sys::Array::is_array(&fields) {
        return v.clone();
    }
    let set = |o: &js_sys::Object, key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(o, &key.into(), &value);
    };
    let frame = js_sys::Object::new();
    set(&frame, "name", get(v, "name"));
    let vis = get(&get(v, "meta"), "preferredVisualisationType");
    if !vis.is_undefined() {
        let meta = js_sys::Object::new();
        set(&meta, "preferredVisualisationType", vis);
        set(&frame, "meta", meta.into());
    }
    let fields: js_sys::Array = fields.unchecked_into();
    let plain = fields.iter().map(|field| {
        if !field.is_object() {
            return field;
        }
        let out = js_sys::Object::new();
        for key in ["name", "type", "values"] {
            set(&out, key, get(&field, key));
        }
        out.into()
    });
    set(&frame, "fields", plain.collect::<js_sys::Array>().into());
    frame.into()
}

/// Grafana's interval text (`"-2m"`, `"1h"`) in milliseconds.
#[wasm_bindgen(js_name = parseInterval)]
pub fn parse_interval(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> JsResult<f64> {
    crate::parse_interval(&string_arg(&text, "text")?).map(|ms| ms as f64).map_err(to_js)
}

/// Runs correlation transformations (`regex`, `logfmt`, `json`) over a field value; returns the
/// variables they make, in order.
#[wasm_bindgen(js_name = applyTransformations, unchecked_return_type = "Record<string, string>")]
pub fn apply_transformations(
    #[wasm_bindgen(unchecked_param_type = "Transformation[]")] transformations: JsValue,
    #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "TransformOptions")] options: JsValue,
) -> JsResult<JsValue> {
    let transformations: Value = arg(&transformations, "transformations")?;
    let compiled = crate::compile_all(&transformations, "transformations").map_err(to_js)?;
    let value: Value = opt_arg(&value, "value")?;
    let options: TransformOptionsArg = opt_arg(&options, "options")?;
    let fields = options.fields.unwrap_or_default();
    let field_name = options.field_name.unwrap_or_default();
    let vars = crate::apply_transformations(&compiled, &value, &field_name, &|name| {
        fields.get(name).cloned()
    });
    let vars: Map<String, Value> = vars.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    out(&vars)
}

/// Grafana's template interpolation (`$v`, `${v.path:format}`, `[[v]]`) with scoped variables,
/// dashboard variables and the time range.
#[wasm_bindgen]
pub fn interpolate(
    #[wasm_bindgen(unchecked_param_type = "string")] template: JsValue,
    #[wasm_bindgen(js_name = scopedVars, unchecked_param_type = "ScopedVars")] scoped_vars: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "InterpolateOptions")] options: JsValue,
) -> JsResult<String> {
    let template = string_arg(&template, "template")?;
    let scoped_vars: HashMap<String, ScopedVarArg> = opt_arg(&scoped_vars, "scopedVars")?;
    let scoped: crate::ScopedVars = scoped_vars
        .into_iter()
        .map(|(name, v)| (name, crate::ScopedVar { value: v.value, text: v.text }))
        .collect();
    let options: InterpolateOptionsArg = opt_arg(&options, "options")?;
    // Like Grafana's `replace(target, vars, format)`: an unknown format falls back to glob.
    let format = options.format.map(|f| crate::template::Format::from_grafana(&f).0);
    let variables: HashMap<String, crate::template::VariableValue> = options
        .variables
        .unwrap_or_default()
        .into_iter()
        .map(|(name, v)| match v {
            VariableArg::One(s) => (name, crate::template::VariableValue::Single(s)),
            VariableArg::Many(values) => (name, crate::template::VariableValue::Multi(values)),
        })
        .collect();
    let scope = crate::Scope {
        scoped: Some(&scoped),
        variables: Some(&variables),
        range: options.range.map(|r| (r.from, r.to)),
        ..crate::Scope::default()
    };
    crate::template::interpolate_with(&template, &scope, format).map_err(to_js)
}

/// Span links from Grafana provisioning settings: built once (settings parsed, templates and
/// regexes compiled), then asked for many spans' links.
#[wasm_bindgen(js_name = Correlator)]
pub struct JsCorrelator {
    inner: crate::Correlator,
}

#[wasm_bindgen(js_class = Correlator)]
impl JsCorrelator {
    /// `provisioning` is the provisioning document (an object, or its JSON text).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ProvisioningDocument | string")]
        provisioning: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CorrelatorOptions")] options: JsValue,
    ) -> JsResult<JsCorrelator> {
        let set = provisioning_set_of(&provisioning)?;
        let text = match provisioning.as_string() {
            Some(text) => text,
            None => json_text_arg(&provisioning, "provisioning")?,
        };
        let o: CorrelatorOptionsArg = opt_arg(&options, "options")?;
        let features = o.features.unwrap_or_default();
        let options = crate::Options {
            tracing_datasource: o.tracing_datasource,
            app_sub_url: o.app_sub_url.unwrap_or_default(),
            features: crate::Features {
                dynamic_trace_to_logs: features.dynamic_trace_to_logs.unwrap_or(false),
            },
        };
        let built = match set {
            // The document as passed (the caller may have edited it); the set locates findings.
            Some(mut set) => {
                set.document = serde_json::from_str(&text)
                    .map_err(|e| invalid("provisioning", e.to_string()))?;
                crate::Correlator::from_set(&set, options)
            }
            None => crate::Correlator::new(&text, options),
        };
        built.map(|inner| JsCorrelator { inner }).map_err(to_js)
    }

    /// The links of one span, in Grafana's order.
    #[wasm_bindgen(js_name = spanLinks, unchecked_return_type = "SpanLink[]")]
    pub fn span_links(
        &self,
        trace: &JsTrace,
        #[wasm_bindgen(js_name = spanId, unchecked_param_type = "string")] span_id: JsValue,
    ) -> JsResult<JsValue> {
        links_out(
            &self
                .inner
                .span_links(&trace.inner, &string_arg(&span_id, "spanId")?)
                .map_err(to_js)?,
        )
    }

    /// The links of every span, by span id, in span order.
    #[wasm_bindgen(js_name = traceLinks, unchecked_return_type = "Map<string, SpanLink[]>")]
    pub fn trace_links(&self, trace: &JsTrace) -> JsResult<js_sys::Map> {
        // Span by span, so that only one span's links are in memory besides the Map.
        let map = js_sys::Map::new();
        let mut failed = None;
        self.inner
            .each_span_links(&trace.inner, |span_id, links| match links_out(&links) {
                Ok(value) => {
                    map.set(&JsValue::from_str(span_id), &value);
                }
                Err(e) => {
                    failed.get_or_insert(e);
                }
            })
            .map_err(to_js)?;
        match failed {
            Some(e) => Err(e),
            None => Ok(map),
        }
    }

    /// Every span's links, computed once and kept in wasm memory: read kinds, counts, titles and
    /// hrefs span by span, each only when asked for.
    #[wasm_bindgen(js_name = linkSet)]
    pub fn link_set(&self, trace: &JsTrace) -> JsResult<JsLinkSet> {
        let inner = self.inner.link_set(&trace.inner).map_err(to_js)?;
        Ok(JsLinkSet { inner })
    }

    /// The trace-level "Logs for this trace" link, or null.
    #[wasm_bindgen(js_name = traceLogsLink, unchecked_return_type = "Link | null")]
    pub fn trace_logs_link(&self, trace: &JsTrace) -> JsResult<JsValue> {
        out(&self.inner.trace_logs_link(&trace.inner).map_err(to_js)?)
    }

    /// Why each rule made a link for the span, or did not.
    #[wasm_bindgen(unchecked_return_type = "Explanation[]")]
    pub fn explain(
        &self,
        trace: &JsTrace,
        #[wasm_bindgen(js_name = spanId, unchecked_param_type = "string")] span_id: JsValue,
    ) -> JsResult<JsValue> {
        out(&self.inner.explain(&trace.inner, &string_arg(&span_id, "spanId")?).map_err(to_js)?)
    }

    /// Findings of the settings lint.
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn diagnostics(&self) -> JsResult<JsValue> {
        out(self.inner.diagnostics())
    }

    /// Links of a log line of a Loki data source: derived fields and Loki-sourced correlations.
    #[wasm_bindgen(js_name = logLinks, unchecked_return_type = "Link[]")]
    pub fn log_links(
        &self,
        #[wasm_bindgen(js_name = lokiUid, unchecked_param_type = "string")] loki_uid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, string>")] labels: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeRange")] range: JsValue,
    ) -> JsResult<JsValue> {
        let links = self.inner.log_links_in_range(
            &string_arg(&loki_uid, "lokiUid")?,
            &string_arg(&line, "line")?,
            &labels_arg(&labels, "labels")?,
            opt_arg::<Option<crate::TimeRange>>(&range, "range")?,
        );
        out(&links.map_err(to_js)?)
    }

    /// Why each derived field of a Loki data source (and each correlation from it) links this
    /// log line, or does not.
    #[wasm_bindgen(js_name = explainLogLine, unchecked_return_type = "Explanation[]")]
    pub fn explain_log_line(
        &self,
        #[wasm_bindgen(js_name = lokiUid, unchecked_param_type = "string")] loki_uid: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] line: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, string>")] labels: JsValue,
    ) -> JsResult<JsValue> {
        let report = self.inner.explain_log_line(
            &string_arg(&loki_uid, "lokiUid")?,
            &string_arg(&line, "line")?,
            &labels_arg(&labels, "labels")?,
        );
        out(&report.map_err(to_js)?)
    }

    /// Links of an exemplar of a Prometheus data source (`exemplarTraceIdDestinations`).
    #[wasm_bindgen(js_name = exemplarLinks, unchecked_return_type = "Link[]")]
    pub fn exemplar_links(
        &self,
        #[wasm_bindgen(js_name = prometheusUid, unchecked_param_type = "string")]
        prometheus_uid: JsValue,
        #[wasm_bindgen(js_name = exemplarLabels, unchecked_param_type = "Record<string, string>")]
        labels: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TimeRange")] range: JsValue,
    ) -> JsResult<JsValue> {
        let links = self.inner.exemplar_links_in_range(
            &string_arg(&prometheus_uid, "prometheusUid")?,
            &labels_arg(&labels, "exemplarLabels")?,
            opt_arg::<Option<crate::TimeRange>>(&range, "range")?,
        );
        out(&links.map_err(to_js)?)
    }
}

/// The `/explore?left=` URL Grafana writes for an Explore state.
#[wasm_bindgen(js_name = exploreUrl)]
pub fn explore_url(
    #[wasm_bindgen(unchecked_param_type = "ExploreState")] state: JsValue,
    #[wasm_bindgen(js_name = appSubUrl, unchecked_optional_param_type = "string")]
    app_sub_url: JsValue,
) -> JsResult<String> {
    if state.is_undefined() || state.is_null() {
        return Err(invalid(
            "state",
            "expected an Explore state { datasource, queries, range?, panelsState? }".into(),
        ));
    }
    let state: ExploreStateArg = arg(&state, "state")?;
    let datasource = state
        .datasource
        .ok_or_else(|| invalid("state.datasource", "missing: the data source uid".into()))?;
    let state = crate::ExploreState {
        datasource,
        queries: state.queries.unwrap_or_default(),
        range: state.range,
        panels_state: state.panels_state,
    };
    Ok(crate::explore_url(&state, &opt_string_arg(&app_sub_url, "appSubUrl")?.unwrap_or_default()))
}

/// The key under which `parseProvisioning` leaves, on the document it returns, the files it was
/// assembled from (not enumerable: `JSON.stringify` and spreads do not see it).
const SET_KEY: &str = "spanlink.provisioningSet";

/// Where findings of a document returned by `parseProvisioning` are located, if it is one.
fn provisioning_set_of(
    provisioning: &JsValue,
) -> JsResult<Option<crate::settings::ProvisioningSet>> {
    if !provisioning.is_object() {
        return Ok(None);
    }
    let key = js_sys::Symbol::for_(SET_KEY);
    let inputs = js_sys::Reflect::get(provisioning, &key).unwrap_or(JsValue::UNDEFINED);
    if inputs.is_undefined() {
        return Ok(None);
    }
    let files = js_sys::Reflect::get(&inputs, &"files".into()).unwrap_or(JsValue::UNDEFINED);
    let env = js_sys::Reflect::get(&inputs, &"env".into()).unwrap_or(JsValue::UNDEFINED);
    let (files, env) = set_inputs(&files, &env)?;
    Ok(Some(crate::settings::ProvisioningSet::assemble(files, &env)))
}

fn set_inputs(
    files: &JsValue,
    env: &JsValue,
) -> JsResult<(Vec<crate::settings::ProvisioningFile>, crate::settings::Env)> {
    Ok((arg(files, "files")?, opt_arg(env, "env")?))
}

/// Assembles provisioning files as Grafana applies them (`parseProvisioning` calls this):
/// `files` is `[{ name, document, positions? }]`, `env` the environment variables. Returns
/// `{ document, findings }`.
#[wasm_bindgen(js_name = assembleProvisioning, skip_typescript)]
pub fn assemble_provisioning(files: JsValue, env: JsValue) -> JsResult<JsValue> {
    let (files, env) = set_inputs(&files, &env)?;
    let set = crate::settings::ProvisioningSet::assemble(files, &env);
    out(&serde_json::json!({ "document": set.document, "findings": set.findings }))
}

/// Every span's links of a trace (`Correlator.linkSet`), by span index: the order of
/// `Trace.spans()`.
#[wasm_bindgen(js_name = LinkSet)]
pub struct JsLinkSet {
    inner: crate::LinkSet,
}

impl JsLinkSet {
    /// A span index argument: an integer below the span count.
    fn span(&self, v: &JsValue) -> JsResult<usize> {
        index_arg(v, "spanIndex", self.inner.span_count(), "span(s) in the set")
    }

    /// The span's link at `link`.
    fn link(&self, span: &JsValue, link: &JsValue) -> JsResult<&crate::Link> {
        let links = self.inner.links(self.span(span)?);
        Ok(&links[index_arg(link, "linkIndex", links.len(), "link(s) of the span")?])
    }
}

/// An index argument: an integer from 0 to `count - 1`.
fn index_arg(v: &JsValue, arg: &str, count: usize, what: &str) -> JsResult<usize> {
    match v.as_f64() {
        Some(i) if i.fract() == 0.0 && i >= 0.0 && i < count as f64 => Ok(i as usize),
        _ => {
            let got = js_sys::JSON::stringify(v)
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_else(|| type_name(v));
            Err(invalid(
                arg,
                format!("expected an index below {count} ({count} {what}), got {got}"),
            ))
        }
    }
}

#[wasm_bindgen(js_class = LinkSet)]
impl JsLinkSet {
    /// The number of spans.
    #[wasm_bindgen(getter, js_name = spanCount)]
    pub fn span_count(&self) -> u32 {
        self.inner.span_count() as u32
    }

    /// The number of links of all spans.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.inner.len() as u32
    }

    /// The number of links of the span.
    pub fn count(
        &self,
        #[wasm_bindgen(js_name = spanIndex, unchecked_param_type = "number")] span_index: JsValue,
    ) -> JsResult<u32> {
        Ok(self.inner.links(self.span(&span_index)?).len() as u32)
    }

    /// The kinds of the span's links, one per link.
    #[wasm_bindgen(unchecked_return_type = "LinkType[]")]
    pub fn kinds(
        &self,
        #[wasm_bindgen(js_name = spanIndex, unchecked_param_type = "number")] span_index: JsValue,
    ) -> JsResult<js_sys::Array> {
        let kinds = self.inner.kinds(self.span(&span_index)?);
        Ok(kinds.map(|k| JsValue::from_str(k.as_str())).collect())
    }

    /// The kinds the span's links have, as bits: logs 1, metrics 2, profiles 4, traces 8,
    /// session 16, correlation 32, external 64.
    #[wasm_bindgen(js_name = kindMask)]
    pub fn kind_mask(
        &self,
        #[wasm_bindgen(js_name = spanIndex, unchecked_param_type = "number")] span_index: JsValue,
    ) -> JsResult<u32> {
        Ok(self.inner.kind_mask(self.span(&span_index)?))
    }

    /// Every span's kind mask at once, in span order: what a waterfall needs, in one call.
    #[wasm_bindgen(js_name = kindMasks)]
    pub fn kind_masks(&self) -> Vec<u32> {
        (0..self.inner.span_count()).map(|i| self.inner.kind_mask(i)).collect()
    }

    /// The href of the span's link at `linkIndex`.
    pub fn href(
        &self,
        #[wasm_bindgen(js_name = spanIndex, unchecked_param_type = "number")] span_index: JsValue,
        #[wasm_bindgen(js_name = linkIndex, unchecked_param_type = "number")] link_index: JsValue,
    ) -> JsResult<String> {
        Ok(self.link(&span_index, &link_index)?.href.clone())
    }

    /// The title of the span's link at `linkIndex`.
    pub fn title(
        &self,
        #[wasm_bindgen(js_name = spanIndex, unchecked_param_type = "number")] span_index: JsValue,
        #[wasm_bindgen(js_name = linkIndex, unchecked_param_type = "number")] link_index: JsValue,
    ) -> JsResult<String> {
        Ok(self.link(&span_index, &link_index)?.title.clone())
    }

    /// The span's links as `Correlator.spanLinks` returns them.
    #[wasm_bindgen(unchecked_return_type = "SpanLink[]")]
    pub fn links(
        &self,
        #[wasm_bindgen(js_name = spanIndex, unchecked_param_type = "number")] span_index: JsValue,
    ) -> JsResult<JsValue> {
        links_out(self.inner.links(self.span(&span_index)?))
    }
}
