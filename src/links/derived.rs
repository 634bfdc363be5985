//! Logs → trace (Loki derived fields, docs/grafana.md §8) and metrics → trace (Prometheus exemplar
//! destinations, §9).

use serde_json::{json, Map, Value};

use super::correlation::{correlation_link, external_href};
use super::correlation::{LinkKinds, Row};
use super::explain::{unresolved_reason, usage_variables, Explainer};
use super::internal::{Internal, Opens};
use super::{Correlator, Link, LinkTarget, LinkType, Reason};
use crate::error::{Error, ErrorCode, Result};
use crate::explore::TimeRange;
use crate::js::to_js_string;
use crate::settings::{Datasource, Family};
use crate::template::{RenderOptions, Rendered, Scope, ScopedVar, ScopedVars, Template};

fn find<'c>(c: &'c Correlator, reference: &str, what: &str) -> Result<&'c Datasource> {
    c.provisioning.find(reference).ok_or_else(|| {
        let hint = c
            .provisioning
            .find_ignoring_case(reference)
            .map(|d| format!(" (did you mean {:?}?)", d.reference()))
            .unwrap_or_default();
        Error::new(
            ErrorCode::UnknownDatasource,
            what,
            format!("no data source has uid or name {reference:?}{hint}"),
        )
    })
}

/// The title of an external link without one: the URL's host, as Grafana's `getTitleFromHref`.
fn title_from_href(href: &str) -> String {
    let with_scheme =
        if href.contains("://") { href.to_string() } else { format!("http://{href}") };
    let after = with_scheme.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    if host.is_empty() {
        href.to_string()
    } else {
        host.to_ascii_lowercase()
    }
}

fn render(t: &Template, vars: &ScopedVars, range: Option<TimeRange>) -> (String, bool) {
    let r = rendered(t, vars, range);
    let defined = super::first_unresolved_or(&r.usages).is_none();
    (r.text, defined)
}

fn rendered(t: &Template, vars: &ScopedVars, range: Option<TimeRange>) -> Rendered {
    let scope =
        Scope { scoped: Some(vars), range: range.map(|r| (r.from, r.to)), ..Scope::default() };
    t.render(&scope, &RenderOptions::default())
}

/// A rule's compiled setting; a broken one is the error Grafana throws for the line, or, when
/// explaining, the rule's explanation (`None`).
fn usable<'r, T>(
    ex: &mut Explainer,
    origin: &str,
    code: &'static str,
    result: &'r Result<T>,
) -> Result<Option<&'r T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(err) if ex.on() => {
            ex.suppressed(origin, &Reason::new(code, err.to_string()), Vec::new());
            Ok(None)
        }
        Err(err) => Err(err.clone()),
    }
}

/// The variables of a log line's row (docs/grafana.md §6.2): each field by name (`Line`, the labels,
/// the derived fields that matched) and `__data.fields`.
fn row_vars(
    line: &str,
    labels: &[(String, String)],
    derived: &[(String, Option<String>)],
) -> ScopedVars {
    let mut vars = ScopedVars::new();
    let mut fields = Map::new();
    let named = std::iter::once(("Line", line))
        .chain(labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .chain(derived.iter().filter_map(|(n, v)| Some((n.as_str(), v.as_deref()?))));
    for (name, value) in named {
        fields.insert(name.to_string(), Value::String(value.to_string()));
        vars.insert(name.to_string(), ScopedVar::new(value));
    }
    vars.insert(
        "__data".into(),
        ScopedVar { value: json!({ "fields": fields }), text: Some("Data".into()) },
    );
    vars
}

/// The row's variables plus the link's own field: `__value.raw` and `__targetField`.
fn field_vars(row: &ScopedVars, raw: Value) -> ScopedVars {
    let mut vars = row.clone();
    vars.insert("__targetField".into(), ScopedVar::new(raw.clone()));
    vars.insert(
        "__value".into(),
        ScopedVar { value: json!({ "raw": raw }), text: Some("Raw value".into()) },
    );
    vars
}

/// Links of one log line (docs/grafana.md §8) plus correlations whose source is this Loki data source.
pub(crate) fn log_links(
    c: &Correlator,
    loki: &str,
    line: &str,
    labels: &[(String, String)],
    range: Option<TimeRange>,
    ex: &mut Explainer,
) -> Result<Vec<Link>> {
    let ds = find(c, loki, "lokiUid")?;
    let rules: &[super::DerivedRule] =
        c.derived.iter().find(|(i, _)| *i == ds.index).map(|(_, r)| r.as_slice()).unwrap_or(&[]);
    let mut links = Vec::new();
    let mut derived_values: Vec<(String, Option<String>)> = Vec::new();
    // Each field's value, and the field whose regex decided it (the first of its name).
    let mut values = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        // One field per name: the first config of a name decides the value.
        let first = rules.iter().position(|r| r.settings.name == rule.settings.name).unwrap_or(i);
        let value = if first == i {
            let decider = &rules[first];
            let Some(regex) = usable(ex, &rule.settings.path, "INVALID_REGEX", &decider.regex)?
            else {
                derived_values.push((rule.settings.name.clone(), None));
                values.push((first, None));
                continue;
            };
            let v = match decider.settings.matcher_type.as_str() {
                // A look-around regex that gives up on a line counts as no match.
                "label" => labels
                    .iter()
                    .find(|(k, _)| regex.is_match(k).unwrap_or(false))
                    .map(|(_, v)| v.clone()),
                "regex" => regex
                    .first(line)
                    .ok()
                    .flatten()
                    .and_then(|m| m.get(1))
                    .map(str::to_string)
                    .filter(|s| !s.is_empty()),
                _ => None,
            };
            derived_values.push((rule.settings.name.clone(), v.clone()));
            v
        } else {
            derived_values
                .iter()
                .find(|(n, _)| *n == rule.settings.name)
                .and_then(|(_, v)| v.clone())
        };
        values.push((first, value));
    }
    // Every link of the line sees the whole row, as Grafana's data links do: the fields by name
    // (`Line`, the labels, every derived field) and in `__data.fields`.
    let row = row_vars(line, labels, &derived_values);
    for (i, (rule, (first, value))) in rules.iter().zip(values).enumerate() {
        let s = &rule.settings;
        let Some(value) = value else {
            if ex.on() {
                ex.suppressed(&s.path, &no_value_reason(rules, i, first), Vec::new());
            }
            continue;
        };
        let vars = field_vars(&row, Value::String(value.clone()));
        let Some(url) = usable(ex, &s.path, "INVALID_TEMPLATE", &rule.url)? else { continue };
        let Some(label) = usable(ex, &s.path, "INVALID_TEMPLATE", &rule.label)? else { continue };
        // Why a URL template gives no link, when explaining.
        let unresolved = |ex: &mut Explainer| {
            if ex.on() {
                let r = rendered(url, &vars, range);
                if let Some(u) = super::first_unresolved_or(&r.usages) {
                    let why = unresolved_reason(u, &format!("{}.url", s.path));
                    ex.suppressed(&s.path, &why, usage_variables(&r.usages));
                }
            }
        };
        let target = if s.target_blank { LinkTarget::NewTab } else { LinkTarget::SameTab };
        match &rule.target {
            Some(resolved) => {
                let (query_text, ok) = render(url, &vars, range);
                if !ok {
                    unresolved(ex);
                    continue;
                }
                // Grafana links a `datasourceUid` nothing resolves all the same, under a
                // placeholder name.
                let target_ds = resolved.as_ref().ok().map(|&i| c.datasource(i));
                let opens = match target_ds {
                    Some(ds) => Opens::from(ds),
                    None => Opens {
                        reference: s.datasource_uid.as_deref().unwrap_or_default(),
                        name: "Data source not found",
                        kind: "",
                    },
                };
                let family = target_ds.map_or(Family::Other, |ds| ds.family);
                let mut query = json!({ "query": query_text });
                match family {
                    Family::Tempo => query["queryType"] = json!("traceql"),
                    Family::XRay => query["queryType"] = json!("getTrace"),
                    _ => {}
                }
                let title = match label {
                    Some(t) => render(t, &vars, range).0,
                    None => String::new(),
                };
                let title = if title.is_empty() { opens.name.to_string() } else { title };
                let kind =
                    if family.is_tracing() { LinkType::Traces } else { LinkType::Correlation };
                let internal = Internal {
                    kind,
                    title,
                    opens,
                    query,
                    range,
                    panels_state: None,
                    origin: &s.path,
                };
                let mut link = internal.link(c);
                link.target = target;
                ex.linked(&s.path, || linked_message(rules, i, first, &value, &link), Vec::new());
                links.push(link);
            }
            None if s.url.is_some() => {
                let (href, ok) = render(url, &vars, range);
                if !ok {
                    unresolved(ex);
                    continue;
                }
                let (href, unsafe_url) = external_href(c, &href, crate::href::fixed_prefix(url));
                let title = label
                    .as_ref()
                    .map(|t| render(t, &vars, range).0)
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| title_from_href(&href));
                let link = Link {
                    kind: LinkType::External,
                    title,
                    href,
                    target: LinkTarget::NewTab,
                    internal: None,
                    origin: s.path.clone(),
                };
                match unsafe_url {
                    Some(why) => ex.unsafe_url(&s.path, &why, Vec::new()),
                    None => ex.linked(
                        &s.path,
                        || linked_message(rules, i, first, &value, &link),
                        Vec::new(),
                    ),
                }
                links.push(link);
            }
            None => ex.suppressed(
                &s.path,
                &Reason::new(
                    "NO_URL",
                    "the derived field has neither `datasourceUid` nor `url`: Grafana shows its \
                     value without a link",
                ),
                Vec::new(),
            ),
        }
    }

    // Correlations from this Loki source: the line is `Line`, labels and derived fields by name.
    let field = |name: &str| -> Option<Value> {
        if name == "Line" {
            return Some(Value::String(line.to_string()));
        }
        labels.iter().find(|(k, _)| k == name).map(|(_, v)| Value::String(v.clone())).or_else(
            || {
                derived_values
                    .iter()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, v)| v.clone().map(Value::String))
            },
        )
    };
    for rule in c
        .other_correlations
        .iter()
        .filter(|r| c.provisioning.find(&r.settings.source_uid).map(|d| d.index) == Some(ds.index))
    {
        let Some(raw) = field(&rule.settings.field) else { continue };
        let vars = field_vars(&row, raw.clone());
        let row = Row {
            memo: None,
            layers: &[],
            vars: &vars,
            records: &[],
            raw: &raw,
            fields: &field,
            range,
            kinds: LinkKinds { internal: LinkType::Correlation, external: LinkType::External },
        };
        if let Some(link) = correlation_link(c, rule, &row, ex) {
            links.push(link);
        }
    }
    Ok(links)
}

/// Why derived field `i` (whose name the field `first` decides) got no value from the line.
fn no_value_reason(rules: &[super::DerivedRule], i: usize, first: usize) -> Reason {
    let s = &rules[i].settings;
    let decider = &rules[first].settings;
    if first != i {
        return Reason::new(
            "SHADOWED_DERIVED_FIELD",
            format!(
                "Grafana matches fields named {:?} with the first one's matcherRegex only ({}: \
                 {:?}), which found nothing in the line; this field's own {:?} never runs (give \
                 it another name, or one regex for both line formats such as \
                 `trace_id\"?[:=]\"?(\\w+)`)",
                s.name, decider.path, decider.matcher_regex, s.matcher_regex
            ),
        );
    }
    let message = match s.matcher_type.as_str() {
        "label" => format!("no label name matches matcherRegex {:?}", s.matcher_regex),
        "regex" => format!(
            "matcherRegex {:?} found nothing in the line (or its first group is empty)",
            s.matcher_regex
        ),
        other => format!("matcherType {other:?} is neither \"regex\" nor \"label\""),
    };
    Reason::new("NO_MATCH", message)
}

/// The message of a derived field's link; a shadowed field says where its value came from.
fn linked_message(
    rules: &[super::DerivedRule],
    i: usize,
    first: usize,
    value: &str,
    link: &Link,
) -> String {
    let from = if first == i {
        String::new()
    } else {
        format!(
            " (the value comes from {}, the first field of that name)",
            rules[first].settings.path
        )
    };
    format!("{value:?}{from} → {}", link.href)
}

/// Links of one exemplar (docs/grafana.md §9): for each destination whose `name` is an exemplar label.
pub(crate) fn exemplar_links(
    c: &Correlator,
    prometheus: &str,
    labels: &[(String, String)],
    range: Option<TimeRange>,
) -> Result<Vec<Link>> {
    let ds = find(c, prometheus, "prometheusUid")?;
    let rules: &[super::ExemplarRule] =
        c.exemplars.iter().find(|(i, _)| *i == ds.index).map(|(_, r)| r.as_slice()).unwrap_or(&[]);
    let mut links = Vec::new();
    for rule in rules {
        let s = &rule.settings;
        let Some((_, value)) = labels.iter().find(|(k, _)| *k == s.name) else { continue };
        let mut vars = ScopedVars::new();
        vars.insert(
            "__value".into(),
            ScopedVar { value: json!({ "raw": value }), text: Some("Raw value".into()) },
        );
        let label = rule.label.as_ref().map_err(Clone::clone)?;
        let custom_title =
            label.as_ref().map(|t| render(t, &vars, range).0).filter(|t| !t.is_empty());
        if let Some(Ok(i)) = &rule.target {
            let target_ds = c.datasource(*i);
            let title =
                custom_title.clone().unwrap_or_else(|| format!("Query with {}", target_ds.name));
            let query = json!({ "query": to_js_string(&Value::String(value.clone())), "queryType": "traceql" });
            let kind =
                if target_ds.is_tracing() { LinkType::Traces } else { LinkType::Correlation };
            let opens = target_ds.into();
            let internal =
                Internal { kind, title, opens, query, range, panels_state: None, origin: &s.path };
            links.push(internal.link(c));
        }
        if let Some(url) = rule.url.as_ref().map_err(Clone::clone)? {
            let (href, ok) = render(url, &vars, range);
            if ok {
                let (href, _) = external_href(c, &href, crate::href::fixed_prefix(url));
                // Grafana's title is `Go to <url>`, interpolated like the URL by the data-link
                // model.
                let title = custom_title.unwrap_or_else(|| format!("Go to {href}"));
                links.push(Link {
                    kind: LinkType::External,
                    title,
                    href,
                    target: LinkTarget::NewTab,
                    internal: None,
                    origin: s.path.clone(),
                });
            }
        }
    }
    Ok(links)
}

#[cfg(test)]
mod tests {
    #[test]
    fn external_titles_are_hosts() {
        assert_eq!(super::title_from_href("http://regionalhost/x?y"), "regionalhost");
        assert_eq!(super::title_from_href("tempo.example.com:3200/trace/1"), "tempo.example.com");
    }
}
