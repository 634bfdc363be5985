#![warn(missing_docs)]

//! spanlink: the links Grafana's trace view shows ("Logs for this span", metrics, profiles,
//! correlations, linked spans), computed from the data source provisioning document users already
//! write, byte for byte as Grafana 12/13 computes them, plus escaping, explanations and lint.
//!
//! Build a [`Correlator`] once from the settings (parsed, validated, templates and regexes
//! compiled), then ask it for many spans' links.

pub mod diagnostics;
pub mod error;
pub mod interval;
pub mod js;
pub mod jsregex;
pub mod limits;
pub mod model;
pub mod template;
pub mod transform;
pub mod wasm;

pub use diagnostics::{Diagnostic, DiagnosticCode, Severity};
pub use error::{Error, ErrorCode, Result};
pub use interval::{is_valid_shift, parse_interval, time_shift_ms};
pub use model::{KeyValue, RefType, Span, SpanEvent, SpanReference, Trace, TraceFormat};
pub use template::{interpolate, interpolate_with, Scope, ScopedVar, ScopedVars, Template};
pub use transform::{apply_transformations, apply_with_report, compile_all, Transformation};

pub mod explore;
pub mod href;
mod links;
pub mod query;
pub mod settings;
#[doc(hidden)]
pub mod testing;

pub use explore::{explore_url, ExploreState, TimeRange};
pub use links::{
    Correlator, ExplainVariable, Explanation, Features, InternalLink, Link, LinkSet, LinkTarget,
    LinkType, Options, Outcome, ProvisioningSource,
};
