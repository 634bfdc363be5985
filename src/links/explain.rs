//! Explanations of why a rule linked a span or not (docs/beyond.md §2), and the messages that
//! say so.

use super::Reason;
use super::{ExplainVariable, Explanation, Outcome};
use crate::href::Unsafe;
use crate::js::to_js_string;
use crate::model::Span;
use crate::query::logs::LogsTarget;
use crate::settings::TagMapping;
use crate::template::{Template, VarUsage};

/// Collects explanations when asked to; free otherwise.
pub(crate) struct Explainer<'e> {
    pub(super) list: Option<&'e mut Vec<Explanation>>,
}

impl Explainer<'_> {
    /// An explainer that records nothing.
    pub fn off() -> Explainer<'static> {
        Explainer { list: None }
    }

    pub fn on(&self) -> bool {
        self.list.is_some()
    }

    /// The variables of an explanation, made only when explaining (making them allocates
    /// several strings per variable, on every link otherwise).
    pub fn variables(&self, make: impl FnOnce() -> Vec<ExplainVariable>) -> Vec<ExplainVariable> {
        if self.on() {
            make()
        } else {
            Vec::new()
        }
    }

    pub fn add(&mut self, make: impl FnOnce() -> Explanation) {
        if let Some(list) = self.list.as_deref_mut() {
            list.push(make());
        }
    }

    pub fn suppressed(&mut self, origin: &str, reason: &Reason, variables: Vec<ExplainVariable>) {
        self.add(|| Explanation {
            origin: origin.to_string(),
            outcome: Outcome::Suppressed,
            code: reason.code,
            message: reason.message.clone(),
            variables,
        });
    }

    /// The rule linked, but its href was unsafe and is `about:blank` (reason `UNSAFE_URL`).
    pub fn unsafe_url(&mut self, origin: &str, why: &Unsafe, variables: Vec<ExplainVariable>) {
        self.add(|| Explanation {
            origin: origin.to_string(),
            outcome: Outcome::Link,
            code: crate::href::UNSAFE_URL,
            message: why.message(),
            variables,
        });
    }

    pub fn linked(
        &mut self,
        origin: &str,
        message: impl FnOnce() -> String,
        variables: Vec<ExplainVariable>,
    ) {
        self.add(|| Explanation {
            origin: origin.to_string(),
            outcome: Outcome::Link,
            code: "LINKED",
            message: message(),
            variables,
        });
    }
}

/// `message`, followed by what the templates hold that Grafana reads as text or with a
/// fallback (`${` never closed, an unknown format): the link is made, but maybe not as meant.
pub(super) fn with_notes<'t>(
    message: String,
    templates: impl IntoIterator<Item = &'t Template>,
) -> String {
    let notes: Vec<String> = templates
        .into_iter()
        .flat_map(|t| t.issues().iter().map(|i| i.message(t.source())))
        .collect();
    if notes.is_empty() {
        message
    } else {
        format!("{message} (note: {})", notes.join("; "))
    }
}

pub(super) fn shorten(s: &str) -> String {
    if s.chars().count() > 200 {
        format!("{:?}…", s.chars().take(200).collect::<String>())
    } else {
        format!("{s:?}")
    }
}

/// Each configured tag with where it was looked up and what the span has there.
pub(super) fn tag_variables(span: &Span, tags: &[TagMapping]) -> Vec<ExplainVariable> {
    tags.iter()
        .map(|t| {
            let (path, value) =
                if let Some(kv) = span.service_tags.iter().find(|kv| kv.key == t.key) {
                    (format!("resource.attributes[{:?}]", t.key), Some(to_js_string(&kv.value)))
                } else if let Some(kv) = span.tags.iter().find(|kv| kv.key == t.key) {
                    (format!("span.attributes[{:?}]", t.key), Some(to_js_string(&kv.value)))
                } else {
                    let synthetic =
                        span.all_tags().find(|(k, _)| *k == t.key).map(|(_, v)| to_js_string(&v));
                    (format!("span.attributes[{:?}]", t.key), synthetic)
                };
            ExplainVariable { name: t.label().to_string(), path, value }
        })
        .collect()
}

/// `NO_TAG_MATCHED`, with near misses between configured keys and the span's attribute keys.
pub(super) fn no_tag_reason(span: &Span, tags: &[TagMapping], target: LogsTarget) -> Reason {
    let keys: Vec<&str> =
        span.service_tags.iter().chain(span.tags.iter()).map(|kv| kv.key.as_str()).collect();
    let configured: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    let mut misses = Vec::new();
    for want in &configured {
        for have in &keys {
            if near_miss(want, have)
                && !misses.iter().any(|(w, h): &(&str, &str)| w == want && h == have)
            {
                misses.push((*want, *have));
            }
        }
    }
    let mut message = if target == LogsTarget::VictoriaLogs {
        "no tag matched and no trace/span id filter is on, so there is nothing to query".to_string()
    } else {
        format!(
            "none of the configured tags ({}) is an attribute of this span",
            configured.join(", ")
        )
    };
    if !misses.is_empty() {
        let hints: Vec<String> = misses.iter().map(|(w, h)| format!("`{h}` for `{w}`")).collect();
        message.push_str(&format!("; did you mean {}?", hints.join(", ")));
    } else if !keys.is_empty() {
        let shown: Vec<&str> = keys.iter().copied().take(12).collect();
        message.push_str(&format!("; the span has {}", shown.join(", ")));
    }
    Reason::new("NO_TAG_MATCHED", message)
}

/// `service_name` vs `service.name`, `Pod` vs `pod`, `k8s.pod.name` vs `pod`.
pub(crate) fn near_miss(want: &str, have: &str) -> bool {
    if want == have {
        return false;
    }
    let norm = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    let (w, h) = (norm(want), norm(have));
    if w == h {
        return true;
    }
    let last = |s: &str| s.rsplit(['.', '_', '-']).nth(1).map(str::to_ascii_lowercase);
    // `k8s.pod.name` → `pod`, `service.name` → `service`
    last(have).as_deref() == Some(want.to_ascii_lowercase().as_str())
        || last(want).as_deref() == Some(have.to_ascii_lowercase().as_str())
}

pub(super) fn unresolved_reason(u: &VarUsage, template_path: &str) -> Reason {
    let full = if u.path.is_empty() { u.name.clone() } else { format!("{}.{}", u.name, u.path) };
    Reason::new(
        "UNRESOLVED_VARIABLE",
        format!("`${{{full}}}` (at byte {} of {template_path}) has no value for this span, so Grafana drops the link", u.offset),
    )
}

pub(super) fn usage_variables(usages: &[VarUsage]) -> Vec<ExplainVariable> {
    usages
        .iter()
        .map(|u| ExplainVariable {
            name: u.name.clone(),
            path: if u.path.is_empty() { u.name.clone() } else { format!("{}.{}", u.name, u.path) },
            value: u.value.clone().filter(|_| u.found),
        })
        .collect()
}
