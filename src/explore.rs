//! Explore URLs (docs/grafana.md §6.1) and the time windows of span links (§3.5).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A time range in epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeRange {
    /// Start, epoch milliseconds.
    pub from: f64,
    /// End, epoch milliseconds.
    pub to: f64,
}

/// How the window around a span is widened (docs/grafana.md §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widen {
    /// `to = from + 1` when the window is empty.
    Normal,
    /// Splunk needs at least a second.
    Splunk,
    /// ±60 s for links of a span that has a profile.
    Profiles,
}

/// Grafana's `getTimeRangeFromTimestamps`: the window of a span (or trace) starting at `start_us`
/// and lasting `duration_us`, shifted by `start_shift_ms` / `end_shift_ms`.
///
/// ```
/// use spanlink::explore::{time_window, TimeRange, Widen};
/// let start = 1_602_637_200_000_000.0; // 2020-10-14T01:00:00Z in µs
/// assert_eq!(
///     time_window(start, 1e6, -60_000, 60_000, Widen::Normal),
///     TimeRange { from: 1602637140000.0, to: 1602637261000.0 }
/// );
/// assert_eq!(time_window(start, 0.0, 0, 0, Widen::Normal).to, 1602637200001.0);
/// ```
pub fn time_window(
    start_us: f64,
    duration_us: f64,
    start_shift_ms: i64,
    end_shift_ms: i64,
    widen: Widen,
) -> TimeRange {
    let mut from = (start_us / 1000.0 + start_shift_ms as f64).floor();
    let mut to = ((start_us + duration_us) / 1000.0 + end_shift_ms as f64).floor();
    match widen {
        Widen::Splunk if to - from < 1000.0 => to = from + 1000.0,
        Widen::Splunk => {}
        Widen::Profiles => {
            from -= 60_000.0;
            to += 60_000.0;
        }
        Widen::Normal if from >= to => to = from + 1.0,
        Widen::Normal => {}
    }
    TimeRange { from, to }
}

/// One bound of an Explore range: epoch ms or relative text such as `"now-1h"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RangeBound {
    /// Epoch milliseconds, written as a string (`"1602637200000"`).
    Ms(f64),
    /// Relative time kept as written, e.g. `now-1h`.
    Text(String),
}

/// By hand rather than `#[serde(untagged)]`: a bad bound is then an error at its place in the
/// JSON text, which the binding turns into the bound's path (`state.range.from`).
impl<'de> Deserialize<'de> for RangeBound {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RangeBound, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RangeBound;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("epoch milliseconds or a relative time such as \"now-1h\"")
            }
            fn visit_f64<E>(self, v: f64) -> Result<RangeBound, E> {
                Ok(RangeBound::Ms(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RangeBound, E> {
                Ok(RangeBound::Ms(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RangeBound, E> {
                Ok(RangeBound::Ms(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<RangeBound, E> {
                Ok(RangeBound::Text(v.to_string()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// An Explore range as the URL carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExploreRange {
    /// Range start.
    pub from: RangeBound,
    /// Range end.
    pub to: RangeBound,
}

impl From<TimeRange> for ExploreRange {
    fn from(r: TimeRange) -> ExploreRange {
        ExploreRange { from: RangeBound::Ms(r.from), to: RangeBound::Ms(r.to) }
    }
}

/// What an Explore pane opens: a data source, its queries, a range and panel state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExploreState {
    /// Data source uid.
    pub datasource: String,
    /// The query objects to run; each gets a `datasource` reference when it lacks one.
    pub queries: Vec<Value>,
    /// The time range; omitted from the URL when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<ExploreRange>,
    /// Explore panel state, e.g. `{"trace":{"spanId":…}}` to focus a span; omitted when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panels_state: Option<Value>,
}

/// Newest Grafana's datasource injection: a query object without `datasource.uid` gets
/// `datasource: { uid }` (added to an existing `datasource` object, else appended as the last key).
pub fn with_datasource_ref(query: &mut Value, uid: &str) {
    let Value::Object(map) = query else { return };
    let has_uid =
        map.get("datasource").and_then(|d| d.get("uid")).is_some_and(|u| !u.is_null() && u != "");
    if has_uid || uid.is_empty() {
        return;
    }
    match map.get_mut("datasource") {
        Some(Value::Object(ds)) => {
            ds.insert("uid".into(), Value::String(uid.to_string()));
        }
        _ => {
            let mut ds = Map::new();
            ds.insert("uid".into(), Value::String(uid.to_string()));
            map.insert("datasource".into(), Value::Object(ds));
        }
    }
}

/// The `/explore?left=` URL Grafana writes for an internal link (docs/grafana.md §6.1): `appSubUrl`
/// prefix, state keys `range` (bounds as epoch-ms strings), `datasource`, `queries` (each with the
/// datasource reference injected), `panelsState`.
///
/// ```
/// use spanlink::explore::{explore_url, ExploreState, TimeRange};
/// let state = ExploreState {
///     datasource: "loki".into(),
///     queries: vec![serde_json::json!({"expr": "{job=\"x\"}", "refId": ""})],
///     range: Some(TimeRange { from: 1.0, to: 2.0 }.into()),
///     panels_state: None,
/// };
/// assert_eq!(
///     explore_url(&state, ""),
///     "/explore?left=%7B%22range%22%3A%7B%22from%22%3A%221%22%2C%22to%22%3A%222%22%7D%2C%22datasource%22%3A%22loki%22%2C%22queries%22%3A%5B%7B%22expr%22%3A%22%7Bjob%3D%5C%22x%5C%22%7D%22%2C%22refId%22%3A%22%22%2C%22datasource%22%3A%7B%22uid%22%3A%22loki%22%7D%7D%5D%7D"
/// );
/// ```
pub fn explore_url(state: &ExploreState, app_sub_url: &str) -> String {
    let queries: Vec<Value> = state
        .queries
        .iter()
        .map(|q| {
            let mut q = q.clone();
            with_datasource_ref(&mut q, &state.datasource);
            q
        })
        .collect();
    let href = left_url(
        &state.datasource,
        &queries,
        state.range.as_ref(),
        state.panels_state.as_ref(),
        app_sub_url,
    );
    // `app_sub_url` is the caller's: an href with a scheme it sneaks in becomes `about:blank`.
    crate::href::sanitize(href, app_sub_url).0
}

/// The `left=` URL for queries that already carry their datasource reference, as `JSON.stringify`
/// orders the state (`range`, `datasource`, `queries`, `panelsState`). The state's fixed JSON
/// text is written already percent-encoded ([`Skeleton`]); only values are encoded per link.
pub(crate) fn left_url(
    datasource: &str,
    queries: &[Value],
    range: Option<&ExploreRange>,
    panels_state: Option<&Value>,
    app_sub_url: &str,
) -> String {
    let prefix = app_sub_url.trim_end_matches('/');
    let mut href = String::with_capacity(prefix.len() + 640);
    href.push_str(prefix);
    href.push_str("/explore?left=");
    // The JSON text of one value at a time, encoded into `href`.
    let mut json = String::with_capacity(256);
    let mut value = |href: &mut String, write: &dyn Fn(&mut String)| {
        json.clear();
        write(&mut json);
        crate::js::encode_into(href, &json, &crate::js::URI_COMPONENT_KEEPS);
    };
    let bound = |b: &RangeBound| match b {
        RangeBound::Ms(ms) => crate::js::f64_to_js_string(*ms),
        RangeBound::Text(t) => t.clone(),
    };
    if let Some(range) = range {
        href.push_str(Skeleton::RANGE_FROM.encoded);
        let from = bound(&range.from);
        value(&mut href, &|j| crate::js::write_json_string(j, &from));
        href.push_str(Skeleton::TO.encoded);
        let to = bound(&range.to);
        value(&mut href, &|j| crate::js::write_json_string(j, &to));
        href.push_str(Skeleton::RANGE_END.encoded);
    } else {
        href.push_str(Skeleton::OPEN.encoded);
    }
    href.push_str(Skeleton::DATASOURCE.encoded);
    value(&mut href, &|j| crate::js::write_json_string(j, datasource));
    href.push_str(Skeleton::QUERIES.encoded);
    for (i, q) in queries.iter().enumerate() {
        if i > 0 {
            href.push_str(Skeleton::COMMA.encoded);
        }
        value(&mut href, &|j| crate::js::write_json(j, q));
    }
    href.push_str(Skeleton::QUERIES_END.encoded);
    if let Some(panels) = panels_state {
        href.push_str(Skeleton::PANELS_STATE.encoded);
        value(&mut href, &|j| crate::js::write_json(j, panels));
    }
    href.push_str(Skeleton::CLOSE.encoded);
    href
}

/// A fixed piece of the Explore state's JSON text and its `encodeURIComponent` form.
struct Skeleton {
    #[cfg_attr(not(test), allow(dead_code))]
    json: &'static str,
    encoded: &'static str,
}

impl Skeleton {
    const RANGE_FROM: Skeleton =
        Skeleton { json: r#"{"range":{"from":"#, encoded: "%7B%22range%22%3A%7B%22from%22%3A" };
    const TO: Skeleton = Skeleton { json: r#","to":"#, encoded: "%2C%22to%22%3A" };
    const RANGE_END: Skeleton = Skeleton { json: "},", encoded: "%7D%2C" };
    const OPEN: Skeleton = Skeleton { json: "{", encoded: "%7B" };
    const DATASOURCE: Skeleton =
        Skeleton { json: r#""datasource":"#, encoded: "%22datasource%22%3A" };
    const QUERIES: Skeleton =
        Skeleton { json: r#","queries":["#, encoded: "%2C%22queries%22%3A%5B" };
    const COMMA: Skeleton = Skeleton { json: ",", encoded: "%2C" };
    const QUERIES_END: Skeleton = Skeleton { json: "]", encoded: "%5D" };
    const PANELS_STATE: Skeleton =
        Skeleton { json: r#","panelsState":"#, encoded: "%2C%22panelsState%22%3A" };
    const CLOSE: Skeleton = Skeleton { json: "}", encoded: "%7D" };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_pieces_are_encoded() {
        for piece in [
            Skeleton::RANGE_FROM,
            Skeleton::TO,
            Skeleton::RANGE_END,
            Skeleton::OPEN,
            Skeleton::DATASOURCE,
            Skeleton::QUERIES,
            Skeleton::COMMA,
            Skeleton::QUERIES_END,
            Skeleton::PANELS_STATE,
            Skeleton::CLOSE,
        ] {
            assert_eq!(crate::js::encode_uri_component(piece.json), piece.encoded);
        }
    }

    #[test]
    fn left_url_is_the_encoded_state() {
        let queries = [serde_json::json!({"expr": "{a=\"é\"}", "n": 1e21})];
        let range = ExploreRange { from: RangeBound::Ms(1e21), to: RangeBound::Text("now".into()) };
        let panels = serde_json::json!({"trace": {"spanId": "x"}});
        let json = format!(
            r#"{{"range":{{"from":"1e+21","to":"now"}},"datasource":"lo\"ki","queries":[{}],"panelsState":{}}}"#,
            crate::js::json_stringify(&queries[0]),
            crate::js::json_stringify(&panels),
        );
        assert_eq!(
            left_url("lo\"ki", &queries, Some(&range), Some(&panels), "/g/"),
            format!("/g/explore?left={}", crate::js::encode_uri_component(&json))
        );
    }
}
