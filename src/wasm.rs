//! The JavaScript binding: argument conversion and error mapping only. The core never sees a
//! JS type. Every error leaves as a JS `Error` named `SpanlinkError` with own `code`, `path`
//! and `message` properties.
//!
//! Object arguments cross as JSON text (`JSON.stringify` in JS, `serde_json` here): serde_json
//! limits nesting to 128 levels, so a hostile deep object cannot overflow wasm's stack, and a
//! cycle or a BigInt becomes an `INVALID_ARGUMENT` error instead of a trap.
#![cfg(target_family = "wasm")]

use crate::json_out::ToJson;
use serde_json::{Map, Value};
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

/// Any JSON-compatible argument, parsed.
fn json_arg(v: &JsValue, arg: &str) -> JsResult<Value> {
    serde_json::from_str(&json_text_arg(v, arg)?).map_err(|e| invalid(arg, e.to_string()))
}

/// An optional object argument (`undefined` / `null` are an empty object). Options are read by
/// hand rather than with serde derives: each derived `Deserialize` costs kilobytes of wasm.
fn opt_object(v: &JsValue, arg: &str) -> JsResult<Map<String, Value>> {
    if v.is_undefined() || v.is_null() {
        return Ok(Map::new());
    }
    match json_arg(v, arg)? {
        Value::Object(map) => Ok(map),
        other => {
            Err(invalid(arg, format!("expected an object, got {}", crate::js::type_name(&other))))
        }
    }
}

/// `map[key]` as an optional string; `arg` names the object for errors (`options.appSubUrl`).
fn field_string(map: &Map<String, Value>, key: &str, arg: &str) -> JsResult<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(invalid(
            &format!("{arg}.{key}"),
            format!("expected a string, got {}", crate::js::type_name(other)),
        )),
    }
}

fn field_bool(map: &Map<String, Value>, key: &str, arg: &str) -> JsResult<bool> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(invalid(
            &format!("{arg}.{key}"),
            format!("expected true or false, got {}", crate::js::type_name(other)),
        )),
    }
}

fn field_object<'m>(
    map: &'m Map<String, Value>,
    key: &str,
    arg: &str,
) -> JsResult<Option<&'m Map<String, Value>>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(invalid(
            &format!("{arg}.{key}"),
            format!("expected an object, got {}", crate::js::type_name(other)),
        )),
    }
}

/// `{ from, to }` in epoch milliseconds.
fn time_range(map: &Map<String, Value>, arg: &str) -> JsResult<crate::TimeRange> {
    let ms = |key: &str| match map.get(key) {
        Some(Value::Number(n)) => {
            n.as_f64().ok_or_else(|| invalid(&format!("{arg}.{key}"), "not a finite number".into()))
        }
        Some(other) => Err(invalid(
            &format!("{arg}.{key}"),
            format!("expected epoch milliseconds, got {}", crate::js::type_name(other)),
        )),
        None => Err(invalid(
            &format!("{arg}.{key}"),
            "missing: a range is { from, to } in epoch milliseconds".into(),
        )),
    };
    Ok(crate::TimeRange { from: ms("from")?, to: ms("to")? })
}

fn js_message(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default()
}

/// A result as plain JS objects and arrays: JSON text written here, parsed by `JSON.parse`.
/// (Smaller wasm than a serde serializer, and faster for big results: one call into JS instead of
/// one per field.)
fn out<T: ToJson + ?Sized>(v: &T) -> JsResult<JsValue> {
    js_sys::JSON::parse(&crate::js::json_stringify(&v.to_json()))
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

/// A panel's data frames as plain data: each `DataFrame` reduced to its name, meta's
/// visualisation type and `fields[].{name, type, values}`. Frames in a panel carry more (display
/// functions, field state with proxies, caches) that `JSON.stringify` must not walk.
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
    let compiled =
        crate::compile_all(&json_arg(&transformations, "transformations")?, "transformations")
            .map_err(to_js)?;
    let value = if value.is_undefined() { Value::Null } else { json_arg(&value, "value")? };
    let options = opt_object(&options, "options")?;
    let field_name = field_string(&options, "fieldName", "options")?.unwrap_or_default();
    let fields = field_object(&options, "fields", "options")?.cloned().unwrap_or_default();
    let vars = crate::apply_transformations(&compiled, &value, &field_name, &|name| {
        fields.get(name).cloned()
    });
    let vars: Map<String, Value> = vars.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    js_sys::JSON::parse(&crate::js::json_stringify(&Value::Object(vars)))
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
    let mut scoped = crate::ScopedVars::new();
    for (name, var) in opt_object(&scoped_vars, "scopedVars")? {
        let arg = format!("scopedVars.{name}");
        let Value::Object(mut var) = var else {
            return Err(invalid(&arg, "expected a scoped variable { value, text? }".into()));
        };
        let text = field_string(&var, "text", &arg)?;
        let value = var.remove("value").unwrap_or(Value::Null);
        scoped.insert(name, crate::ScopedVar { value, text });
    }
    let options = opt_object(&options, "options")?;
    // Like Grafana's `replace(target, vars, format)`: an unknown format falls back to glob.
    let format = field_string(&options, "format", "options")?
        .map(|f| crate::template::Format::from_grafana(&f).0);
    let mut variables = std::collections::HashMap::new();
    for (name, value) in field_object(&options, "variables", "options")?.into_iter().flatten() {
        let values = match value {
            Value::String(s) => crate::template::VariableValue::Single(s.clone()),
            Value::Array(items) if items.iter().all(Value::is_string) => {
                crate::template::VariableValue::Multi(
                    items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
                )
            }
            other => {
                return Err(invalid(
                    &format!("options.variables.{name}"),
                    format!(
                        "expected a string or an array of strings, got {}",
                        crate::js::type_name(other)
                    ),
                ))
            }
        };
        variables.insert(name.clone(), values);
    }
    let range = field_object(&options, "range", "options")?
        .map(|r| time_range(r, "options.range"))
        .transpose()?;
    let scope = crate::Scope {
        scoped: Some(&scoped),
        variables: Some(&variables),
        range: range.map(|r| (r.from, r.to)),
        ..crate::Scope::default()
    };
    crate::template::interpolate_with(&template, &scope, format).map_err(to_js)
}

/// Labels as `Record<string, string>`, in the object's key order.
fn labels_arg(v: &JsValue, arg: &str) -> JsResult<Vec<(String, String)>> {
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    let Value::Object(map) = json_arg(v, arg)? else {
        return Err(invalid(arg, format!("expected an object of strings, got {}", type_name(v))));
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            other => Err(invalid(
                arg,
                format!("label {k:?} must be a string, got {}", crate::js::type_name(&other)),
            )),
        })
        .collect()
}

fn range_arg(v: &JsValue, arg: &str) -> JsResult<Option<crate::TimeRange>> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    time_range(&opt_object(v, arg)?, arg).map(Some)
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
        let o = opt_object(&options, "options")?;
        let features = field_object(&o, "features", "options")?.cloned().unwrap_or_default();
        let options = crate::Options {
            tracing_datasource: field_string(&o, "tracingDatasource", "options")?,
            app_sub_url: field_string(&o, "appSubUrl", "options")?.unwrap_or_default(),
            features: crate::Features {
                dynamic_trace_to_logs: field_bool(
                    &features,
                    "dynamicTraceToLogs",
                    "options.features",
                )?,
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
        out(&self
            .inner
            .span_links(&trace.inner, &string_arg(&span_id, "spanId")?)
            .map_err(to_js)?)
    }

    /// The links of every span, by span id, in span order.
    #[wasm_bindgen(js_name = traceLinks, unchecked_return_type = "Map<string, SpanLink[]>")]
    pub fn trace_links(&self, trace: &JsTrace) -> JsResult<js_sys::Map> {
        // One JSON text for the whole trace, [[spanId, links], ...], written span by span so
        // that only one span's links are in memory besides the text; then a Map of it.
        let mut text = String::from("[");
        self.inner
            .each_span_links(&trace.inner, |span_id, links| {
                if text.len() > 1 {
                    text.push(',');
                }
                text.push('[');
                crate::js::write_json_string(&mut text, span_id);
                text.push(',');
                crate::js::write_json(&mut text, &links.to_json());
                text.push(']');
            })
            .map_err(to_js)?;
        text.push(']');
        let pairs: js_sys::Array = js_sys::JSON::parse(&text)?.unchecked_into();
        let map = js_sys::Map::new();
        for pair in pairs.iter() {
            let pair: js_sys::Array = pair.unchecked_into();
            map.set(&pair.get(0), &pair.get(1));
        }
        Ok(map)
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
            range_arg(&range, "range")?,
        );
        out(&links.map_err(to_js)?)
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
            range_arg(&range, "range")?,
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
    let map = opt_object(&state, "state")?;
    let datasource = field_string(&map, "datasource", "state")?
        .ok_or_else(|| invalid("state.datasource", "missing: the data source uid".into()))?;
    let queries = match map.get("queries") {
        Some(Value::Array(items)) => items.clone(),
        None | Some(Value::Null) => Vec::new(),
        Some(other) => {
            return Err(invalid(
                "state.queries",
                format!("expected an array, got {}", crate::js::type_name(other)),
            ))
        }
    };
    let bound = |r: &Map<String, Value>, key: &str| match r.get(key) {
        Some(Value::Number(n)) => Ok(crate::explore::RangeBound::Ms(n.as_f64().unwrap_or(0.0))),
        Some(Value::String(s)) => Ok(crate::explore::RangeBound::Text(s.clone())),
        other => Err(invalid(
            &format!("state.range.{key}"),
            format!(
                "expected epoch milliseconds or text like \"now-1h\", got {}",
                other.map_or("nothing", crate::js::type_name)
            ),
        )),
    };
    let range = match field_object(&map, "range", "state")? {
        Some(r) => {
            Some(crate::explore::ExploreRange { from: bound(r, "from")?, to: bound(r, "to")? })
        }
        None => None,
    };
    let panels_state = map.get("panelsState").filter(|v| !v.is_null()).cloned();
    let state = crate::ExploreState { datasource, queries, range, panels_state };
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
    let files = serde_json::from_str(&json_text_arg(files, "files")?)
        .map_err(|e| invalid("files", e.to_string()))?;
    let env = if env.is_undefined() || env.is_null() {
        crate::settings::Env::default()
    } else {
        serde_json::from_str(&json_text_arg(env, "env")?)
            .map_err(|e| invalid("env", format!("expected an object of strings: {e}")))?
    };
    Ok((files, env))
}

/// Assembles provisioning files as Grafana applies them (`parseProvisioning` calls this):
/// `files` is `[{ name, document, positions? }]`, `env` the environment variables. Returns
/// `{ document, findings }`.
#[wasm_bindgen(js_name = assembleProvisioning, skip_typescript)]
pub fn assemble_provisioning(files: JsValue, env: JsValue) -> JsResult<JsValue> {
    let (files, env) = set_inputs(&files, &env)?;
    let set = crate::settings::ProvisioningSet::assemble(files, &env);
    let findings: Vec<Value> = set.findings.iter().map(|d| d.to_json()).collect();
    let result = serde_json::json!({ "document": set.document, "findings": findings });
    js_sys::JSON::parse(&crate::js::json_stringify(&result))
}
