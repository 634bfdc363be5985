//! Grafana's trace data frame → [`Span`]s, read as the trace view reads it
//! (`public/app/features/explore/TraceView/utils/transform.ts`, `transformDataFrames`).
//!
//! A panel plugin receives its trace as a data frame, one row per span, not as Tempo or Jaeger
//! JSON. Two encodings are accepted:
//! - a `DataFrame` as panels hold it: `{ name?, meta?, fields: [{ name, type, values: [...] }] }`;
//! - a `DataFrameJSON` as the query API sends it: `{ schema: { fields: [{ name, type }] },
//!   data: { values: [[...], ...], entities? } }` (`entities.Undef`/`NaN`/`Inf` rows read as null;
//!   the compact `bases`/`factors`/`enums` encodings are an error naming them);
//!
//! and an array of frames (a panel's `data.series`): the first frame whose meta says
//! `preferredVisualisationType: "trace"`, else the first with a `spanID` field.
//!
//! Columns are found by name, so Tempo's 17 fields, Jaeger's (`warnings`, `stackTraces`, no kind
//! or status) and Zipkin's frames all read. As in Grafana: `startTime`, `duration` and log
//! timestamps are milliseconds (times 1000 gives the model's microseconds); `parentSpanID`
//! becomes the first, `CHILD_OF`, reference and each `references` entry follows with its own
//! `refType`, `FOLLOWS_FROM` when it has none; every row needs a `spanID`. Attribute, log and
//! reference columns may hold arrays or their JSON text. A frame with a single field carries a
//! whole trace document in its first value (Grafana's older form), which is read as such.
//!
//! Besides the spans, the frame's own cells are kept ([`Frame`]): correlations and data links
//! attach to the frame's fields by name and read each row's cells as the frame has them.

use serde_json::{Map, Value};
use std::sync::Arc;

use super::{KeyValue, RefType, Span, SpanEvent, SpanReference, Trace, TraceFormat};
use crate::error::{Error, ErrorCode, Result};

// Frames are read from a JSON tree (a panel hands over objects, not text): small typed readers
// whose errors name the cell.

fn invalid(path: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidTrace, path, message)
}

fn key_path(path: &str, key: &str) -> String {
    crate::error::join_path(path, key)
}

fn index_path(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// A value for a message: compact JSON, cut to 60 characters.
fn preview(value: &Value) -> String {
    let text = crate::js::json_stringify(value);
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| invalid(path, format!("expected an object, found {}", preview(value))))
}

/// `obj[key]`, `null` read as missing.
fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn array<'a>(obj: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a [Value]> {
    match field(obj, key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(invalid(
            &key_path(path, key),
            format!("expected an array, found {}", preview(other)),
        )),
    }
}

fn opt_str<'a>(obj: &'a Map<String, Value>, key: &str, path: &str) -> Result<Option<&'a str>> {
    match field(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(invalid(
            &key_path(path, key),
            format!("expected a string, found {}", preview(other)),
        )),
    }
}

/// The columns whose cells are attribute, log or reference lists (arrays, or their JSON text).
const LIST_COLUMNS: [&str; 6] =
    ["serviceTags", "tags", "logs", "references", "warnings", "stackTraces"];

/// A trace frame's columns and cells, row `i` being the trace's span `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    names: Vec<String>,
    rows: Vec<Vec<Value>>,
}

impl Frame {
    /// The field names, in frame order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Row `row`'s cell of field `name` (JSON `null` when the frame has no such field); list
    /// cells given as JSON text are parsed.
    pub fn cell(&self, row: usize, name: &str) -> &Value {
        const NULL: Value = Value::Null;
        match (self.names.iter().position(|n| n == name), self.rows.get(row)) {
            (Some(i), Some(cells)) => cells.get(i).unwrap_or(&NULL),
            _ => &NULL,
        }
    }
}

/// One column: its name, its cells, the JSON path of its values, and rows read as null.
struct Column<'a> {
    name: &'a str,
    values: &'a [Value],
    path: String,
    nulls: Vec<usize>,
}

/// Whether `value` is a trace frame, a `DataFrameJSON`, or an array of frames.
pub(super) fn detect(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(is_frame),
        other => is_frame(other),
    }
}

fn is_frame(value: &Value) -> bool {
    let Some(obj) = value.as_object() else { return false };
    let fields_of = |o: &Map<String, Value>| match o.get("fields") {
        Some(Value::Array(fields)) => fields.first().is_none_or(|f| f.get("name").is_some()),
        _ => false,
    };
    fields_of(obj)
        || (obj.get("schema").and_then(Value::as_object).is_some_and(fields_of)
            && obj.get("data").is_some_and(Value::is_object))
}

/// Reads a trace frame (or the trace frame of an array of frames) into a trace.
pub(super) fn parse(value: &Value) -> Result<Trace> {
    let (frame, path) = match value {
        Value::Array(frames) => pick(frames)?,
        other => (other, String::new()),
    };
    let columns = columns(frame, &path)?;
    if let [only] = columns.as_slice() {
        // Grafana's older form: the whole trace document in the single field's first value.
        let document = only.values.first().filter(|v| !is_frame(v));
        let document = document.ok_or_else(|| {
            invalid(&only.path, "a one-field trace frame must hold a trace document")
        })?;
        return Trace::from_value(document).map_err(|e| e.at(&index_path(&only.path, 0)));
    }
    let rows = columns.iter().map(|c| c.values.len()).max().unwrap_or(0);
    let mut spans = Vec::with_capacity(rows);
    let mut cells = Vec::with_capacity(rows);
    for row in 0..rows {
        let mut cells_of_row = Vec::with_capacity(columns.len());
        for c in &columns {
            cells_of_row.push(cell(c, row)?);
        }
        spans.push(span(&columns, &cells_of_row, row)?);
        cells.push(cells_of_row);
    }
    super::check_counts(&spans)?;
    let names = columns.iter().map(|c| c.name.to_string()).collect();
    let mut trace = Trace::from_spans(TraceFormat::DataFrame, spans);
    trace.frame = Some(Frame { names, rows: cells });
    Ok(trace)
}

/// The trace frame of a panel's `data.series`, and its path.
fn pick(frames: &[Value]) -> Result<(&Value, String)> {
    let meta_says_trace = |f: &Value| {
        let meta = f.get("meta").or_else(|| f.get("schema").and_then(|s| s.get("meta")));
        meta.and_then(|m| m.get("preferredVisualisationType")).and_then(Value::as_str)
            == Some("trace")
    };
    let has_span_ids = |f: &Value| {
        let fields = f.get("fields").or_else(|| f.get("schema").and_then(|s| s.get("fields")));
        fields.and_then(Value::as_array).is_some_and(|fs| {
            fs.iter().any(|x| x.get("name").and_then(Value::as_str) == Some("spanID"))
        })
    };
    let found = frames
        .iter()
        .position(|f| is_frame(f) && meta_says_trace(f))
        .or_else(|| frames.iter().position(|f| is_frame(f) && has_span_ids(f)));
    match found {
        Some(i) => Ok((&frames[i], index_path("", i))),
        None => Err(invalid(
            "",
            format!(
                "none of the {} frames is a trace frame (meta.preferredVisualisationType \"trace\", or a spanID field)",
                frames.len()
            ),
        )),
    }
}

/// The frame's columns, from either encoding.
fn columns<'a>(frame: &'a Value, path: &str) -> Result<Vec<Column<'a>>> {
    let obj = object(frame, path)?;
    if let Some(Value::Array(fields)) = obj.get("fields") {
        let fields_path = key_path(path, "fields");
        return fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let fpath = index_path(&fields_path, i);
                let f = object(f, &fpath)?;
                let values = array(f, "values", &fpath)?;
                Ok(Column {
                    name: name(f, &fpath)?,
                    values,
                    path: key_path(&fpath, "values"),
                    nulls: Vec::new(),
                })
            })
            .collect();
    }
    // DataFrameJSON: names in `schema.fields`, cells in `data.values`, column by column.
    let schema_path = key_path(path, "schema");
    let schema = object(field(obj, "schema").unwrap_or(&Value::Null), &schema_path)?;
    let fields = array(schema, "fields", &schema_path)?;
    let data_path = key_path(path, "data");
    let data = object(field(obj, "data").unwrap_or(&Value::Null), &data_path)?;
    let values = array(data, "values", &data_path)?;
    let entities = array(data, "entities", &data_path)?;
    let values_path = key_path(&data_path, "values");
    let mut out = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        let fpath = index_path(&key_path(&schema_path, "fields"), i);
        let vpath = index_path(&values_path, i);
        let cells = match values.get(i) {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(cells)) => cells,
            Some(other) => {
                return Err(invalid(
                    &vpath,
                    format!("expected an array of cells, found {}", preview(other)),
                ))
            }
        };
        // Compact encodings of numbers and strings: Grafana's `dataFrameFromJSON` decodes them.
        for key in ["bases", "factors", "enums"] {
            if array(data, key, &data_path)?.get(i).is_some_and(|v| !v.is_null()) {
                return Err(invalid(
                    &index_path(&key_path(&data_path, key), i),
                    format!("`data.{key}` encoding is not read here: pass the frame decoded (`dataFrameFromJSON`)"),
                ));
            }
        }
        out.push(Column {
            name: name(object(f, &fpath)?, &fpath)?,
            values: cells,
            path: vpath,
            nulls: entity_rows(entities.get(i)),
        });
    }
    Ok(out)
}

fn name<'a>(field: &'a Map<String, Value>, path: &str) -> Result<&'a str> {
    match field.get("name") {
        Some(Value::String(s)) => Ok(s),
        other => Err(invalid(
            &key_path(path, "name"),
            format!("expected the field's name, found {}", other.map_or("nothing".into(), preview)),
        )),
    }
}

/// Rows that `DataFrameJSON` marks as `undefined`, `NaN` or ±`Infinity`: JSON has no such values,
/// and none of them is a usable cell.
fn entity_rows(entities: Option<&Value>) -> Vec<usize> {
    let Some(Value::Object(e)) = entities else { return Vec::new() };
    ["Undef", "NaN", "Inf", "NegInf"]
        .iter()
        .filter_map(|k| e.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(|r| r.as_u64().map(|r| r as usize))
        .collect()
}

/// A column's cell at `row`, list columns given as JSON text parsed.
fn cell(column: &Column, row: usize) -> Result<Value> {
    if column.nulls.contains(&row) {
        return Ok(Value::Null);
    }
    let value = column.values.get(row).cloned().unwrap_or(Value::Null);
    match value {
        Value::String(text) if LIST_COLUMNS.contains(&column.name) => {
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            serde_json::from_str(&text).map_err(|e| {
                invalid(
                    &index_path(&column.path, row),
                    format!(
                        "expected a list or its JSON text, found {}: {e}",
                        preview(&Value::String(text.clone()))
                    ),
                )
            })
        }
        other => Ok(other),
    }
}

/// The span of one row.
fn span(columns: &[Column], cells: &[Value], row: usize) -> Result<Span> {
    let at = |name: &str| -> (&Value, String) {
        match columns.iter().position(|c| c.name == name) {
            Some(i) => (&cells[i], index_path(&columns[i].path, row)),
            None => (&Value::Null, format!("{name}[{row}]")),
        }
    };
    let text = |name: &str| -> Result<Option<String>> {
        let (value, path) = at(name);
        match value {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            other => Err(invalid(&path, format!("expected a string, found {}", preview(other)))),
        }
    };
    let non_empty = |name: &str| Ok::<_, crate::Error>(text(name)?.filter(|s| !s.is_empty()));
    let ms = |name: &str| {
        let (value, path) = at(name);
        millis(value, &path)
    };

    let Some(span_id) = non_empty("spanID")? else {
        return Err(invalid(&at("spanID").1, "every row of a trace frame needs a spanID"));
    };
    let trace_id = text("traceID")?.unwrap_or_default();
    let parent_span_id = non_empty("parentSpanID")?;
    let mut references = Vec::new();
    if let Some(parent) = &parent_span_id {
        references.push(SpanReference::parent(&trace_id, parent));
    }
    let (refs, refs_path) = at("references");
    for (i, r) in list(refs, &refs_path)?.iter().enumerate() {
        references.push(reference(r, &index_path(&refs_path, i), &trace_id)?);
    }
    let (logs_cell, logs_path) = at("logs");
    let mut logs = Vec::new();
    for (i, log) in list(logs_cell, &logs_path)?.iter().enumerate() {
        let path = index_path(&logs_path, i);
        let obj = object(log, &path)?;
        logs.push(SpanEvent {
            timestamp: millis(
                obj.get("timestamp").unwrap_or(&Value::Null),
                &key_path(&path, "timestamp"),
            )? * 1000.0,
            name: opt_str(obj, "name", &path)?.filter(|n| !n.is_empty()).map(str::to_string),
            fields: attributes(
                obj.get("fields").unwrap_or(&Value::Null),
                &key_path(&path, "fields"),
            )?,
        });
    }
    let (service_tags, service_tags_path) = at("serviceTags");
    let (tags, tags_path) = at("tags");
    Ok(Span {
        trace_id,
        span_id,
        parent_span_id,
        operation_name: text("operationName")?.unwrap_or_default(),
        service_name: text("serviceName")?.unwrap_or_default(),
        start_time: ms("startTime")? * 1000.0,
        duration: ms("duration")? * 1000.0,
        kind: non_empty("kind")?.map(|k| k.to_ascii_lowercase()),
        status_code: status(at("statusCode"))?,
        status_message: non_empty("statusMessage")?,
        service_tags: Arc::new(attributes(service_tags, &service_tags_path)?),
        tags: attributes(tags, &tags_path)?,
        logs,
        references,
    })
}

/// A list cell; null is empty.
fn list<'a>(value: &'a Value, path: &str) -> Result<&'a [Value]> {
    match value {
        Value::Null => Ok(&[]),
        Value::Array(items) => Ok(items),
        other => Err(invalid(path, format!("expected a list, found {}", preview(other)))),
    }
}

/// `[{ key, value, type? }]`; as for Jaeger JSON, a `type` converts a string value
/// (`int64`, `float64`, `bool`).
fn attributes(value: &Value, path: &str) -> Result<Vec<KeyValue>> {
    let items = list(value, path)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ipath = index_path(path, i);
        let obj = object(item, &ipath)?;
        let key = opt_str(obj, "key", &ipath)?
            .ok_or_else(|| invalid(&key_path(&ipath, "key"), "missing `key`"))?;
        let value = obj.get("value").cloned().unwrap_or(Value::Null);
        let typ = opt_str(obj, "type", &ipath)?.unwrap_or("string");
        let value = match &value {
            Value::String(s) if typ.eq_ignore_ascii_case("int64") => {
                s.trim().parse::<i64>().map_or(value.clone(), Value::from)
            }
            Value::String(s) if typ.eq_ignore_ascii_case("float64") => {
                Some(crate::js::js_string_to_number(s))
                    .filter(|x| x.is_finite() && !s.trim().is_empty())
                    .map_or(value.clone(), crate::js::number_value)
            }
            Value::String(s)
                if typ.eq_ignore_ascii_case("bool") && (s == "true" || s == "false") =>
            {
                Value::Bool(s == "true")
            }
            _ => value,
        };
        out.push(KeyValue { key: key.to_string(), value });
    }
    Ok(out)
}

/// A time in milliseconds; null is 0, as `null * 1000` is in JavaScript.
fn millis(value: &Value, path: &str) -> Result<f64> {
    match value {
        Value::Null => Ok(0.0),
        Value::Number(n) => n.as_f64().ok_or_else(|| invalid(path, "not a finite number")),
        Value::String(s) => {
            Some(crate::js::js_string_to_number(s)).filter(|x| x.is_finite()).ok_or_else(|| {
                invalid(path, format!("expected milliseconds, found {}", preview(value)))
            })
        }
        other => Err(invalid(path, format!("expected milliseconds, found {}", preview(other)))),
    }
}

/// Tempo's `statusCode` (OTLP's 0 unset, 1 ok, 2 error) as the model's `UNSET`/`OK`/`ERROR`.
fn status((value, path): (&Value, String)) -> Result<Option<String>> {
    let code = match value {
        Value::Null => return Ok(None),
        Value::Number(n) => match n.as_f64().filter(|x| x.fract() == 0.0).map(|x| x as i64) {
            Some(0) => "UNSET",
            Some(1) => "OK",
            Some(2) => "ERROR",
            _ => return Err(invalid(&path, format!("expected 0, 1 or 2, found {n}"))),
        },
        Value::String(s) => {
            match s.trim_start_matches("STATUS_CODE_").to_ascii_uppercase().as_str() {
                "UNSET" | "" => "UNSET",
                "OK" => "OK",
                "ERROR" => "ERROR",
                _ => return Err(invalid(&path, format!("expected a status code, found {s:?}"))),
            }
        }
        other => {
            return Err(invalid(&path, format!("expected a status code, found {}", preview(other))))
        }
    };
    Ok(Some(code.to_string()))
}

/// A `references` entry: `{ refType?, traceID?, spanID, tags? }`.
fn reference(value: &Value, path: &str, trace_id: &str) -> Result<SpanReference> {
    let obj = object(value, path)?;
    let ref_type = match opt_str(obj, "refType", path)? {
        None | Some("FOLLOWS_FROM") => RefType::FollowsFrom,
        Some("CHILD_OF") => RefType::ChildOf,
        Some("EXTERNAL") => RefType::External,
        Some(other) => {
            return Err(invalid(
                &key_path(path, "refType"),
                format!("expected CHILD_OF, FOLLOWS_FROM or EXTERNAL, found {other:?}"),
            ))
        }
    };
    let span_id = opt_str(obj, "spanID", path)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(&key_path(path, "spanID"), "missing `spanID`"))?
        .to_string();
    let trace_id = opt_str(obj, "traceID", path)?.unwrap_or(trace_id).to_string();
    let tags = attributes(obj.get("tags").unwrap_or(&Value::Null), &key_path(path, "tags"))?;
    Ok(SpanReference { ref_type, trace_id, span_id, tags })
}
