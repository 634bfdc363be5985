//! Lenient typed reading of trace documents, straight from the JSON text (or a parsed
//! `serde_json::Value`) without building a `Value` tree: strings are borrowed from the text where
//! they have no escapes, unknown fields are skipped unparsed.
//!
//! Every field is a [`Lenient`]: a value of the wrong JSON shape does not fail the document, it is
//! kept as [`Lenient::Wrong`] so the format reader can drop that field and record a
//! [`TraceWarning`] with its path (Grafana shows what it can of a broken span). Only broken JSON
//! syntax fails the parse.

use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer,
    MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer, StringDeserializer,
    U64Deserializer,
};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A field of a trace document that could not be read as Grafana reads it: the span (or
/// attribute, event, link) is kept without that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceWarning {
    /// JSON path from the document root, e.g. `resourceSpans[0].scopeSpans[0].spans[3].kind`.
    pub path: String,
    /// What was wrong and what was done about it, in a sentence.
    pub reason: String,
}

/// The JSON shape of a value, for "expected …, found …" messages and for deciding whether a
/// value can be read as a field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Bool => "a boolean",
            Shape::Number => "a number",
            Shape::String => "a string",
            Shape::Array => "an array",
            Shape::Object => "an object",
        }
    }
}

/// Which JSON shapes a field type can be read from.
pub(super) trait Accepts {
    /// Whether a value of this shape is read as `Self` (anything else is [`Lenient::Wrong`]).
    fn accepts(shape: Shape) -> bool;
}

/// What a wrongly shaped value was: its shape and, for a scalar, its JSON text (cut short).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Found {
    shape: Shape,
    text: Option<Box<str>>,
}

impl Found {
    fn new(shape: Shape, text: Option<String>) -> Found {
        Found { shape, text: text.map(|t| preview(&t).into()) }
    }

    /// `"expected <expected>, found <shape>: <text>"`.
    pub(super) fn message(&self, expected: &str) -> String {
        match &self.text {
            Some(text) => format!("expected {expected}, found {}: {text}", self.shape.name()),
            None => format!("expected {expected}, found {}", self.shape.name()),
        }
    }
}

/// Text cut to 60 characters so a huge value stays readable in a message.
pub(super) fn preview(text: &str) -> String {
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text.to_string()
    }
}

/// A string as JSON text, for messages.
pub(super) fn quoted(s: &str) -> String {
    let mut out = String::new();
    crate::js::write_json_string(&mut out, s);
    preview(&out)
}

/// A field as read: missing, `null`, a value of its type, or a value of another shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) enum Lenient<T> {
    /// The key is not in the object.
    #[default]
    Missing,
    /// The key is there with `null` (proto3 JSON writes defaults either way).
    Null,
    /// A value of the field's type.
    Ok(T),
    /// A value of another shape (boxed: rare, and it keeps every field small).
    Wrong(Box<Found>),
}

impl<T> Lenient<T> {
    /// The value, if there is one of the right shape.
    pub(super) fn get(&self) -> Option<&T> {
        match self {
            Lenient::Ok(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the key is in the object (even as `null`).
    pub(super) fn is_present(&self) -> bool {
        !matches!(self, Lenient::Missing)
    }

    /// The value, or `None` with a warning at `path` when the value has the wrong shape.
    pub(super) fn read(&self, w: &mut Warnings, path: &Path, expected: &str) -> Option<&T> {
        match self {
            Lenient::Ok(v) => Some(v),
            Lenient::Wrong(found) => {
                w.push(path, found.message(expected));
                None
            }
            Lenient::Missing | Lenient::Null => None,
        }
    }
}

impl<T> Lenient<T> {
    /// The value of a field that must be there: `None` with a warning (`missing` when absent)
    /// otherwise.
    pub(super) fn require(
        &self,
        w: &mut Warnings,
        path: &Path,
        expected: &str,
        missing: &str,
    ) -> Option<&T> {
        if !matches!(self, Lenient::Ok(_) | Lenient::Wrong(_)) {
            w.push(path, missing);
        }
        self.read(w, path, expected)
    }
}

impl<T> Lenient<Vec<T>> {
    /// The items (none when missing or wrong, with a warning when wrong).
    pub(super) fn items(&self, w: &mut Warnings, path: &Path) -> &[T] {
        self.read(w, path, "an array").map_or(&[], Vec::as_slice)
    }
}

impl<'de, T: Deserialize<'de> + Accepts> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor(PhantomData))
    }
}

struct LenientVisitor<T>(PhantomData<T>);

impl<T> LenientVisitor<T> {
    fn wrong(shape: Shape, text: impl FnOnce() -> String) -> Lenient<T> {
        // Only scalars are shown: their text is short and at hand.
        let text = matches!(shape, Shape::Bool | Shape::Number | Shape::String).then(text);
        Lenient::Wrong(Box::new(Found::new(shape, text)))
    }
}

impl<'de, T: Deserialize<'de> + Accepts> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Lenient::deserialize(d)
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if T::accepts(Shape::Bool) {
            T::deserialize(BoolDeserializer::<E>::new(v)).map(Lenient::Ok)
        } else {
            Ok(Self::wrong(Shape::Bool, || v.to_string()))
        }
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        if T::accepts(Shape::Number) {
            T::deserialize(I64Deserializer::<E>::new(v)).map(Lenient::Ok)
        } else {
            Ok(Self::wrong(Shape::Number, || v.to_string()))
        }
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        if T::accepts(Shape::Number) {
            T::deserialize(U64Deserializer::<E>::new(v)).map(Lenient::Ok)
        } else {
            Ok(Self::wrong(Shape::Number, || v.to_string()))
        }
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if T::accepts(Shape::Number) {
            T::deserialize(F64Deserializer::<E>::new(v)).map(Lenient::Ok)
        } else {
            Ok(Self::wrong(Shape::Number, || crate::js::f64_to_js_string(v)))
        }
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        if T::accepts(Shape::String) {
            T::deserialize(BorrowedStrDeserializer::<E>::new(v)).map(Lenient::Ok)
        } else {
            Ok(Self::wrong(Shape::String, || quoted(v)))
        }
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if T::accepts(Shape::String) {
            T::deserialize(StrDeserializer::<E>::new(v)).map(Lenient::Ok)
        } else {
            Ok(Self::wrong(Shape::String, || quoted(v)))
        }
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        if T::accepts(Shape::String) {
            T::deserialize(StringDeserializer::<E>::new(v)).map(Lenient::Ok)
        } else {
            Ok(Self::wrong(Shape::String, || quoted(&v)))
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if T::accepts(Shape::Array) {
            return T::deserialize(SeqAccessDeserializer::new(seq)).map(Lenient::Ok);
        }
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Self::wrong(Shape::Array, String::new))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if T::accepts(Shape::Object) {
            return T::deserialize(MapAccessDeserializer::new(map)).map(Lenient::Ok);
        }
        while map.next_entry::<IgnoredAny, Skip>()?.is_some() {}
        Ok(Self::wrong(Shape::Object, String::new))
    }
}

/// A value read only to be dropped. Unlike `IgnoredAny` it descends through `deserialize_any`, so
/// serde_json's nesting limit (128) holds for it as for every value that is kept.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Skip;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_unit<E>(self) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
                while seq.next_element::<Skip>()?.is_some() {}
                Ok(Skip)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
                while map.next_entry::<IgnoredAny, Skip>()?.is_some() {}
                Ok(Skip)
            }
        }
        d.deserialize_any(V)
    }
}

/// A string, borrowed from the document when it has no escapes.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Text<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Accepts for Text<'_> {
    fn accepts(shape: Shape) -> bool {
        shape == Shape::String
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

/// A number, or a string that may hold one (OTLP JSON writes 64-bit integers as strings).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Num<'a> {
    U64(u64),
    I64(i64),
    F64(f64),
    Text(Text<'a>),
}

impl Accepts for Num<'_> {
    fn accepts(shape: Shape) -> bool {
        matches!(shape, Shape::Number | Shape::String)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Num<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Num<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a numeric string")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Num<'a>, E> {
                Ok(Num::U64(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Num<'a>, E> {
                Ok(Num::I64(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Num<'a>, E> {
                Ok(Num::F64(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Num<'a>, E> {
                Ok(Num::Text(Text(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Num<'a>, E> {
                Ok(Num::Text(Text(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Num<'a>, E> {
                Ok(Num::Text(Text(Cow::Owned(v))))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl Num<'_> {
    /// As JavaScript's `Number(value)`: the nearest f64; `None` for text that is no finite number
    /// (Rust would also read `inf`/`NaN`, which are not times).
    pub(super) fn to_f64(&self) -> Option<f64> {
        match self {
            Num::U64(n) => Some(*n as f64),
            Num::I64(n) => Some(*n as f64),
            Num::F64(x) => Some(*x),
            Num::Text(t) => {
                let s = t.trim();
                if s.is_empty() {
                    return Some(0.0); // Number("") is 0
                }
                Some(crate::js::js_string_to_number(s)).filter(|x| x.is_finite())
            }
        }
    }

    /// The value as an exact unsigned integer, when it is one.
    pub(super) fn to_u64(&self) -> Option<u64> {
        match self {
            Num::U64(n) => Some(*n),
            Num::Text(t) => t.trim().parse().ok(),
            _ => None,
        }
    }

    /// The value as JSON text, for messages.
    pub(super) fn preview(&self) -> String {
        match self {
            Num::U64(n) => n.to_string(),
            Num::I64(n) => n.to_string(),
            Num::F64(x) => crate::js::f64_to_js_string(*x),
            Num::Text(t) => quoted(t),
        }
    }
}

/// The entries of a JSON object in document order (Jaeger `processes`, Zipkin `tags`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entries<'a, V>(pub Vec<(Text<'a>, V)>);

impl<V> Accepts for Entries<'_, V> {
    fn accepts(shape: Shape) -> bool {
        shape == Shape::Object
    }
}

impl<'de: 'a, 'a, V: Deserialize<'de>> Deserialize<'de> for Entries<'a, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<'a, V>(PhantomData<(&'a (), V)>);
        impl<'de: 'a, 'a, V: Deserialize<'de>> Visitor<'de> for Vis<'a, V> {
            type Value = Entries<'a, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(Vis::<'a, V>(PhantomData))
    }
}

impl<T> Accepts for Vec<T> {
    fn accepts(shape: Shape) -> bool {
        shape == Shape::Array
    }
}

impl Accepts for bool {
    fn accepts(shape: Shape) -> bool {
        shape == Shape::Bool
    }
}

impl Accepts for serde_json::Value {
    fn accepts(_: Shape) -> bool {
        true
    }
}

impl<T: Accepts> Accepts for Box<T> {
    fn accepts(shape: Shape) -> bool {
        T::accepts(shape)
    }
}

/// Marks derived `Deserialize` structs as read from JSON objects.
macro_rules! objects {
    ($($t:ident),* $(,)?) => {
        $(impl $crate::model::lenient::Accepts for $t<'_> {
            fn accepts(shape: $crate::model::lenient::Shape) -> bool {
                shape == $crate::model::lenient::Shape::Object
            }
        })*
    };
}
pub(super) use objects;

/// A JSON path built on the stack as the readers descend; rendered (`a.b[2]`) only for a
/// warning.
#[derive(Clone, Copy)]
pub(super) struct Path<'p> {
    parent: Option<&'p Path<'p>>,
    seg: Seg<'p>,
}

#[derive(Clone, Copy)]
enum Seg<'p> {
    Root,
    Key(&'p str),
    Index(usize),
}

impl<'p> Path<'p> {
    /// The document root (the empty path).
    pub(super) const ROOT: Path<'static> = Path { parent: None, seg: Seg::Root };

    /// `self.key`
    pub(super) fn key<'q>(&'q self, key: &'q str) -> Path<'q> {
        Path { parent: Some(self), seg: Seg::Key(key) }
    }

    /// `self[i]`
    pub(super) fn index<'q>(&'q self, i: usize) -> Path<'q> {
        Path { parent: Some(self), seg: Seg::Index(i) }
    }

    fn write(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write(out);
        }
        match self.seg {
            Seg::Root => {}
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                use std::fmt::Write;
                let _ = write!(out, "[{i}]");
            }
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write(&mut out);
        f.write_str(&out)
    }
}

/// The warnings of one parse.
#[derive(Default)]
pub(super) struct Warnings(pub Vec<TraceWarning>);

impl Warnings {
    /// Records that the field at `path` was dropped (or the span kept without it) and why.
    pub(super) fn push(&mut self, path: &Path, reason: impl Into<String>) {
        self.0.push(TraceWarning { path: path.to_string(), reason: reason.into() });
    }
}

/// Any JSON value (Jaeger tag values, Zipkin tags); a string is borrowed from the document, other
/// values are parsed.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Json<'a> {
    /// A string.
    Text(Text<'a>),
    /// Any other value.
    Other(serde_json::Value),
}

impl Default for Json<'_> {
    fn default() -> Self {
        Json::Other(serde_json::Value::Null)
    }
}

impl Json<'_> {
    /// The value as a `serde_json::Value`.
    pub(super) fn to_value(&self) -> serde_json::Value {
        match self {
            Json::Text(t) => serde_json::Value::String(t.to_string()),
            Json::Other(v) => v.clone(),
        }
    }
}

impl Accepts for Json<'_> {
    fn accepts(_: Shape) -> bool {
        true
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Json<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_json::Value;
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Json<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json<'a>, E> {
                Ok(Json::Other(Value::Null))
            }
            fn visit_none<E>(self) -> Result<Json<'a>, E> {
                Ok(Json::Other(Value::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json<'a>, D::Error> {
                Json::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json<'a>, E> {
                Ok(Json::Other(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json<'a>, E> {
                Ok(Json::Other(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json<'a>, E> {
                Ok(Json::Other(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json<'a>, E> {
                Ok(Json::Other(Value::from(v)))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'a>, E> {
                Ok(Json::Text(Text(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json<'a>, E> {
                Ok(Json::Text(Text(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Json<'a>, E> {
                Ok(Json::Text(Text(Cow::Owned(v))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Json<'a>, A::Error> {
                Value::deserialize(SeqAccessDeserializer::new(seq)).map(Json::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Json<'a>, A::Error> {
                Value::deserialize(MapAccessDeserializer::new(map)).map(Json::Other)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// An array field of objects.
pub(super) type List<T> = Lenient<Vec<Lenient<T>>>;

impl Lenient<Num<'_>> {
    /// A number field (a number or a numeric string); `None`, with a warning when it is there
    /// but not a number.
    pub(super) fn number(&self, w: &mut Warnings, path: &Path) -> Option<f64> {
        let n = self.read(w, path, "a number or a numeric string")?;
        let x = n.to_f64();
        if x.is_none() {
            w.push(path, format!("expected a number or a numeric string, found {}", n.preview()));
        }
        x
    }
}

impl Lenient<Text<'_>> {
    /// A span's id: `None`, with a warning, when missing or empty (the span is kept without it).
    pub(super) fn required_id(&self, w: &mut Warnings, path: &Path) -> Option<&str> {
        let missing = "missing id: the span is kept without it";
        match self.require(w, path, "a string", missing) {
            Some(id) if !id.is_empty() => Some(id),
            Some(_) => {
                w.push(path, missing);
                None
            }
            None => None,
        }
    }
}
