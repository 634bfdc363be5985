//! Typed reads from the settings JSON that name the JSON path of a bad value.

use serde_json::{Map, Value};

use crate::error::{join_path, Error, ErrorCode, Result};

/// A JSON object being read, with its path from the document root.
#[derive(Clone, Copy)]
pub(crate) struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub path: &'a str,
}

pub(crate) fn wrong_type(path: &str, expected: &str, got: &Value) -> Error {
    let shown = crate::js::json_stringify(got);
    let shown = if shown.len() > 60 {
        format!("{}…", &shown[..shown.char_indices().nth(57).map_or(shown.len(), |(i, _)| i)])
    } else {
        shown
    };
    Error::new(
        ErrorCode::InvalidSettings,
        path,
        format!("expected {expected}, got {} ({shown})", crate::js::type_name(got)),
    )
}

impl<'a> Obj<'a> {
    /// Reads `value` at `path` as an object.
    pub fn of(value: &'a Value, path: &'a str) -> Result<Obj<'a>> {
        match value {
            Value::Object(map) => Ok(Obj { map, path }),
            other => Err(wrong_type(path, "an object", other)),
        }
    }

    pub fn child_path(&self, key: &str) -> String {
        join_path(self.path, key)
    }

    /// The raw value of `key`; JSON `null` counts as absent (YAML writes absent values as null).
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// An optional string. Numbers and booleans are accepted and written as JS would
    /// (`uid: 1` in YAML is the string "1" to Grafana).
    pub fn string(&self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(Some(crate::js::to_js_string(v))),
            Some(other) => Err(wrong_type(&self.child_path(key), "a string", other)),
        }
    }

    /// An optional string, with `""` read as absent (Grafana's `if (x)` checks).
    pub fn non_empty_string(&self, key: &str) -> Result<Option<String>> {
        Ok(self.string(key)?.filter(|s| !s.is_empty()))
    }

    /// An optional boolean; `"true"`/`"false"` strings are accepted (YAML quoting).
    pub fn bool(&self, key: &str) -> Result<bool> {
        match self.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
            Some(other) => Err(wrong_type(&self.child_path(key), "true or false", other)),
        }
    }

    /// An optional array.
    pub fn array(&self, key: &str) -> Result<Option<&'a Vec<Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(wrong_type(&self.child_path(key), "an array", other)),
        }
    }
}
