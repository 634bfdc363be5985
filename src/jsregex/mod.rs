//! A JavaScript regex, run in Rust: the one place that knows JavaScript's regex syntax.
//!
//! Grafana runs user regexes (correlation `regex` transformations, Loki derived fields) with the
//! browser's `RegExp`, without the `u` flag. [`JsRegex::new`] reads such a source with
//! JavaScript's grammar (Annex B included: a `{` that starts no quantifier is a literal, `\8` is
//! `8`, `\1` without a group is U+0001) and writes an equivalent pattern for the Rust engines,
//! spelling every class out so that each keeps its JavaScript meaning:
//!
//! - `\d`, `\w`, `\b` are ASCII; `\s` is JavaScript's white space (U+00A0, U+FEFF, U+2028/2029
//!   and the other `Zs` spaces); `.` matches anything but `\n`, `\r`, U+2028, U+2029;
//! - `^` and `$` are the start and end of the text (no `m` flag);
//! - with `i`, two characters match when their upper-case forms are equal (JavaScript's
//!   `Canonicalize`: `é`/`É` do, the Kelvin sign and `k` do not, `ſ` and `s` do not);
//! - `(?<name>…)` and `\k<name>` keep their names ([`JsRegex::group_names`]).
//!
//! Every pattern without look-around or back-references runs on `regex-lite` (linear time),
//! with a required literal checked first. Those with them run on [`backtrack`], JavaScript's
//! own backtracking semantics over the same parsed pattern, with [`BACKTRACK_LIMIT`].
//!
//! Known difference: JavaScript without `u` sees a character outside the BMP (an emoji) as two
//! UTF-16 units; here it is one character. Only a `.` or a class matching exactly one of them
//! tells the two apart.
//!
//! ```
//! use spanlink::jsregex::JsRegex;
//! let re = JsRegex::new(r"^(\w+)\s(.+)$", false).unwrap();
//! let m = re.first("id\u{a0}é").unwrap().unwrap();
//! assert_eq!((m.get(1), m.get(2)), (Some("id"), Some("é")));
//! assert!(re.first("id x\ny").unwrap().is_none());
//! ```

use std::fmt::Write as _;
use std::ops::Range;

use std::sync::OnceLock;

mod backtrack;

/// The most backtracking steps one search of a look-around pattern may take; past it the
/// search stops with [`BacktrackLimit`] instead of running for minutes.
pub const BACKTRACK_LIMIT: usize = 1_000_000;

/// A search of a backtracking pattern gave up after [`BACKTRACK_LIMIT`] steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BacktrackLimit;

impl std::fmt::Display for BacktrackLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the regex needed more than {BACKTRACK_LIMIT} backtracking steps")
    }
}

/// A JavaScript regex compiled for Rust.
#[derive(Debug, Clone)]
pub struct JsRegex {
    engine: Engine,
    /// `names[i]` is the name of group `i + 1`, if it has one.
    names: Vec<Option<String>>,
    /// ASCII text every match contains, checked before the engine runs.
    literal: Option<Required>,
}

/// A run of ASCII characters every match contains.
#[derive(Debug, Clone)]
enum Required {
    /// Without `i`: the exact text.
    Exact(String),
    /// With `i`: lower case, found ignoring ASCII case (JavaScript folds ASCII letters only to
    /// ASCII letters).
    IgnoreAsciiCase(String),
}

impl Required {
    fn found_in(&self, text: &str) -> bool {
        match self {
            Required::Exact(l) => text.contains(l.as_str()),
            Required::IgnoreAsciiCase(l) => contains_ignore_ascii_case(text, l),
        }
    }
}

#[derive(Debug, Clone)]
enum Engine {
    Linear(regex_lite::Regex),
    Backtracking(Box<backtrack::Program>),
}

/// One match: the text of each group (`get(0)` is the whole match).
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'t> {
    text: &'t str,
    groups: Vec<Option<Range<usize>>>,
}

impl<'t> Match<'t> {
    /// The text of group `i` (0: the whole match); `None` when the group did not take part.
    pub fn get(&self, i: usize) -> Option<&'t str> {
        self.groups.get(i).cloned().flatten().map(|r| &self.text[r])
    }

    /// Where the match is in the text.
    pub fn range(&self) -> Range<usize> {
        self.groups[0].clone().unwrap_or_default()
    }
}

impl JsRegex {
    /// Compiles the JavaScript regex `source` (as in `new RegExp(source, flags)`);
    /// `ignore_case` is the `i` flag. The error says what JavaScript would reject, or why the
    /// engine cannot run it.
    ///
    /// ```
    /// use spanlink::jsregex::JsRegex;
    /// assert!(JsRegex::new("a(", false).unwrap_err().contains("unterminated group"));
    /// assert!(JsRegex::new(r#"{(?=[^\}]*\bkey":"host")"#, false).is_ok());
    /// ```
    pub fn new(source: &str, ignore_case: bool) -> Result<JsRegex, String> {
        let quoted = serde_json::Value::from(source).to_string();
        let syntax =
            Syntax::parse(source).map_err(|e| format!("{quoted} is not a valid regex: {e}"))?;
        let engine = if syntax.needs_backtracking() {
            backtrack::Program::compile(&syntax, ignore_case)
                .map(|p| Engine::Backtracking(Box::new(p)))
                .map_err(|e| format!("{quoted} does not compile: {e}"))?
        } else {
            regex_lite::RegexBuilder::new(&syntax.to_rust(ignore_case))
                .size_limit(crate::limits::REGEX_COMPILED_BYTES)
                .build()
                .map(Engine::Linear)
                .map_err(|e| format!("{quoted} does not compile: {}", last_line(&e.to_string())))?
        };
        let literal = syntax.required_literal().map(|l| match ignore_case {
            true => Required::IgnoreAsciiCase(l.to_ascii_lowercase()),
            false => Required::Exact(l),
        });
        Ok(JsRegex { engine, names: syntax.names, literal })
    }

    /// Whether the pattern runs in linear time (no look-around or back-reference).
    pub fn is_linear(&self) -> bool {
        matches!(self.engine, Engine::Linear(_))
    }

    /// The name of each capture group, group 1 first (`None`: a group without a name).
    pub fn group_names(&self) -> &[Option<String>] {
        &self.names
    }

    /// Whether any group has a name (JavaScript's `match.groups` is then an object).
    pub fn has_named_groups(&self) -> bool {
        self.names.iter().any(Option::is_some)
    }

    /// The first match (`text.match(re)` without `g`, `re.exec(text)`).
    pub fn first<'t>(&self, text: &'t str) -> Result<Option<Match<'t>>, BacktrackLimit> {
        if self.literal.as_ref().is_some_and(|l| !l.found_in(text)) {
            return Ok(None);
        }
        self.at(text, 0)
    }

    /// Whether the pattern matches anywhere in `text` (`re.test(text)`).
    pub fn is_match(&self, text: &str) -> Result<bool, BacktrackLimit> {
        if self.literal.as_ref().is_some_and(|l| !l.found_in(text)) {
            return Ok(false);
        }
        match &self.engine {
            Engine::Linear(re) => Ok(re.is_match(text)),
            Engine::Backtracking(p) => Ok(p.search(text, 0)?.is_some()),
        }
    }

    /// Every match as `text.matchAll(re)` with the `g` flag finds them: after an empty match
    /// the search moves on by one character, and an empty match right after a match counts.
    pub fn all<'t>(&self, text: &'t str) -> Result<Vec<Match<'t>>, BacktrackLimit> {
        let mut out = Vec::new();
        if self.literal.as_ref().is_some_and(|l| !l.found_in(text)) {
            return Ok(out);
        }
        let mut at = 0;
        while at <= text.len() {
            let Some(m) = self.at(text, at)? else { break };
            let range = m.range();
            at = if range.is_empty() {
                range.end + text[range.end..].chars().next().map_or(1, char::len_utf8)
            } else {
                range.end
            };
            out.push(m);
        }
        Ok(out)
    }

    fn at<'t>(&self, text: &'t str, at: usize) -> Result<Option<Match<'t>>, BacktrackLimit> {
        let groups = match &self.engine {
            Engine::Linear(re) => {
                re.captures_at(text, at).map(|c| c.iter().map(|m| m.map(|m| m.range())).collect())
            }
            Engine::Backtracking(p) => p.search(text, at)?,
        };
        Ok(groups.map(|groups| Match { text, groups }))
    }
}

/// What a regex uses that only a backtracking engine runs, as written (`(?=…)` whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacktrackingFeature {
    /// What it is: "look-ahead", "negative look-behind", "back-reference", …
    pub kind: &'static str,
    /// The text of the feature in the pattern, e.g. `(?=x)` or `\1`.
    pub text: String,
    /// The same pattern without it, in linear time, when that gives the same captures.
    pub linear: Option<String>,
}

/// What a lint wants to know about a JavaScript regex source, read with the same scanner
/// [`JsRegex`] compiles with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    /// How many capture groups the pattern has.
    pub groups: usize,
    /// Look-around, back-references and `\B`: they make the pattern backtrack.
    pub backtracking: Vec<BacktrackingFeature>,
    /// Classes like `[d|D]` (the `|` is a literal there) with the class meant, `[dD]`.
    pub classes_with_pipe: Vec<(String, String)>,
}

/// Reads `source` for the lint; the error is JavaScript's reason to reject it.
///
/// ```
/// let lint = spanlink::jsregex::lint(r"(?<=id=)(\w+)[a|b]").unwrap();
/// assert_eq!((lint.groups, lint.backtracking[0].kind), (1, "look-behind"));
/// assert_eq!(lint.backtracking[0].linear.as_deref(), Some(r"(?:id=)(\w+)[a|b]"));
/// assert_eq!(lint.classes_with_pipe, [("[a|b]".to_string(), "[ab]".to_string())]);
/// ```
pub fn lint(source: &str) -> Result<Lint, String> {
    let syntax = Syntax::parse(source)?;
    let mut backtracking = Vec::new();
    let mut pipes = Vec::new();
    for (i, node) in syntax.nodes.iter().enumerate() {
        let span = node.span.clone();
        match &node.kind {
            Node::Open(group @ (Group::Ahead(_) | Group::Behind(_))) => {
                let end = syntax.close_of(i).map_or(source.len(), |c| syntax.nodes[c].span.end);
                let text = &source[span.start..end];
                let inner = &source[span.end..end.saturating_sub(1).max(span.end)];
                let (before, after) = (&source[..span.start], &source[end..]);
                let (kind, linear) = match group {
                    Group::Behind(true) => {
                        ("look-behind", Some(format!("{before}(?:{inner}){after}")))
                    }
                    Group::Behind(false) => ("negative look-behind", None),
                    // At the end the asserted text can be consumed; elsewhere it is equivalent
                    // when it comes before what follows (`"key":"host"` before `"value"`).
                    Group::Ahead(true) if after.is_empty() || after == "$" => {
                        ("look-ahead", Some(format!("{before}(?:{inner}){after}")))
                    }
                    Group::Ahead(true) => ("look-ahead", Some(format!("{before}{inner}{after}"))),
                    _ => ("negative look-ahead", None),
                };
                backtracking.push(BacktrackingFeature { kind, text: text.into(), linear });
            }
            Node::BackRef(_) => backtracking.push(BacktrackingFeature {
                kind: "back-reference",
                text: source[span].into(),
                linear: None,
            }),
            Node::Class { .. } => {
                let class = &source[span];
                let inner = class.trim_start_matches('[').trim_end_matches(']');
                let without: String = inner.chars().filter(|c| *c != '|').collect();
                if class.starts_with('[')
                    && inner.contains('|')
                    && !without.is_empty()
                    && !inner.contains('\\')
                {
                    pipes.push((class.to_string(), format!("[{without}]")));
                }
            }
            _ => {}
        }
    }
    for range in syntax.repeated_captures() {
        let text = &source[syntax.nodes[range.start].span.start..syntax.nodes[range.end].span.end];
        backtracking.push(BacktrackingFeature {
            kind: "repeated capture group",
            text: text.into(),
            linear: None,
        });
    }
    Ok(Lint { groups: syntax.names.len(), backtracking, classes_with_pipe: pipes })
}

// --- the scanner ------------------------------------------------------------------------------

/// A parsed JavaScript regex: a flat list of nodes in source order.
struct Syntax {
    nodes: Vec<Spanned>,
    names: Vec<Option<String>>,
}

struct Spanned {
    kind: Node,
    span: Range<usize>,
}

enum Node {
    Char(char),
    /// A class, `\d`-style escape or `.`, as a set of characters; `negated` for `[^…]`, which
    /// JavaScript's `i` folds before negating.
    Class {
        set: Set,
        negated: bool,
    },
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
    Open(Group),
    Close,
    Alt,
    Repeat {
        min: u32,
        max: Option<u32>,
        lazy: bool,
    },
    BackRef(usize),
}

#[derive(Clone, Copy, PartialEq)]
enum Group {
    /// A capture group, numbered from 1.
    Capture,
    NonCapture,
    /// `(?=` (true) or `(?!` (false).
    Ahead(bool),
    /// `(?<=` (true) or `(?<!` (false).
    Behind(bool),
}

struct Parser<'s> {
    src: &'s str,
    pos: usize,
    /// The capture groups of the whole pattern (their names): Annex B reads `\2` and `\k<n>`
    /// by them, so the pattern is read twice.
    all_groups: Vec<Option<String>>,
    nodes: Vec<Spanned>,
    names: Vec<Option<String>>,
}

impl Syntax {
    fn parse(src: &str) -> Result<Syntax, String> {
        let first = Parser::run(src, Vec::new())?;
        let parsed = Parser::run(src, first.names)?;
        Ok(Syntax { nodes: parsed.nodes, names: parsed.names })
    }

    fn needs_backtracking(&self) -> bool {
        let look_or_ref = |n: &Spanned| {
            matches!(n.kind, Node::BackRef(_) | Node::Open(Group::Ahead(_) | Group::Behind(_)))
        };
        self.nodes.iter().any(look_or_ref) || !self.repeated_captures().is_empty()
    }

    /// The repeated groups (`Open` to `Repeat` node) that hold a capture group. JavaScript
    /// unsets those captures as each round starts and fails a round beyond the minimum that
    /// matches empty (`/(?:(a)|b)+/` on `ab` leaves group 1 unset); the linear engines keep the
    /// last value, so such patterns run on the backtracking engine.
    fn repeated_captures(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut opens = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            match n.kind {
                Node::Open(_) => opens.push(i),
                Node::Close => {
                    let open = opens.pop().unwrap_or(i);
                    let repeated =
                        matches!(self.nodes.get(i + 1).map(|n| &n.kind), Some(Node::Repeat { .. }));
                    let captures = self.nodes[open..i]
                        .iter()
                        .any(|n| matches!(n.kind, Node::Open(Group::Capture)));
                    if repeated && captures {
                        out.push(open..i + 1);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The index of the `Close` matching the `Open` at `open`.
    fn close_of(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (i, n) in self.nodes.iter().enumerate().skip(open) {
            match n.kind {
                Node::Open(_) => depth += 1,
                Node::Close => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The pattern in regex-lite's syntax, every class spelled out (patterns that need no
    /// backtracking only).
    fn to_rust(&self, ignore_case: bool) -> String {
        let mut out = String::with_capacity(self.nodes.len() * 2);
        for node in &self.nodes {
            match &node.kind {
                Node::Char(c) => {
                    let set = class_set(&Set::of(&[(*c, *c)]), false, ignore_case);
                    if set.ranges() == [(*c, *c)] {
                        push_char(&mut out, *c);
                    } else {
                        push_class(&mut out, &set);
                    }
                }
                Node::Class { set, negated } => {
                    push_class(&mut out, &class_set(set, *negated, ignore_case))
                }
                Node::Start => out.push('^'),
                Node::End => out.push('$'),
                // regex-lite's `\b` and `\B` are ASCII, as JavaScript's.
                Node::WordBoundary => out.push_str(r"(?:\b)"),
                Node::NotWordBoundary => out.push_str(r"(?:\B)"),
                // Look-arounds and back-references make a pattern backtracking: not here.
                Node::Open(Group::Capture) => out.push('('),
                Node::Open(_) => out.push_str("(?:"),
                Node::Close => out.push(')'),
                Node::Alt => out.push('|'),
                Node::Repeat { min, max, lazy } => {
                    match (min, max) {
                        (0, None) => out.push('*'),
                        (1, None) => out.push('+'),
                        (0, Some(1)) => out.push('?'),
                        (n, None) => _ = write!(out, "{{{n},}}"),
                        (n, Some(m)) if n == m => _ = write!(out, "{{{n}}}"),
                        (n, Some(m)) => _ = write!(out, "{{{n},{m}}}"),
                    }
                    if *lazy {
                        out.push('?');
                    }
                }
                Node::BackRef(_) => {}
            }
        }
        out
    }

    /// The longest run of ASCII literal characters every match contains: checked first, it
    /// spares the engine the many texts that cannot match. Conservative: none with a `|`, and
    /// only characters outside groups that no quantifier makes optional.
    fn required_literal(&self) -> Option<String> {
        if self.nodes.iter().any(|n| matches!(n.kind, Node::Alt)) {
            return None;
        }
        let (mut best, mut run) = (String::new(), String::new());
        let mut depth = 0usize;
        for (i, node) in self.nodes.iter().enumerate() {
            let next = self.nodes.get(i + 1).map(|n| &n.kind);
            let repeated = matches!(next, Some(Node::Repeat { .. }));
            match node.kind {
                Node::Open(_) => depth += 1,
                Node::Close => depth -= 1,
                Node::Char(c) if depth == 0 && c.is_ascii() => {
                    let optional = matches!(next, Some(Node::Repeat { min: 0, .. }));
                    if !optional {
                        run.push(c);
                    }
                    if !repeated {
                        continue;
                    }
                }
                // Assertions outside groups take no text, so the run goes on.
                Node::Start | Node::End | Node::WordBoundary if depth == 0 => continue,
                _ => {}
            }
            if run.len() > best.len() {
                best = std::mem::take(&mut run);
            }
            run.clear();
        }
        if run.len() > best.len() {
            best = run;
        }
        (!best.is_empty()).then_some(best)
    }
}

impl<'s> Parser<'s> {
    fn run(src: &'s str, all_groups: Vec<Option<String>>) -> Result<Parser<'s>, String> {
        let mut p = Parser { src, pos: 0, all_groups, nodes: Vec::new(), names: Vec::new() };
        p.disjunction(0)?;
        if p.pos < src.len() {
            // Only a `)` stops the top level early.
            return Err("unmatched ')'".into());
        }
        Ok(p)
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn eat(&mut self, s: &str) -> bool {
        let found = self.src[self.pos..].starts_with(s);
        if found {
            self.pos += s.len();
        }
        found
    }

    fn push(&mut self, kind: Node, start: usize) {
        self.nodes.push(Spanned { kind, span: start..self.pos });
    }

    fn disjunction(&mut self, depth: usize) -> Result<(), String> {
        loop {
            self.alternative(depth)?;
            let start = self.pos;
            if !self.eat("|") {
                return Ok(());
            }
            self.push(Node::Alt, start);
        }
    }

    fn alternative(&mut self, depth: usize) -> Result<(), String> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            // Whether a quantifier may follow: atoms, and (Annex B) look-aheads.
            let quantifiable = match c {
                '|' => return Ok(()),
                ')' if depth > 0 => return Ok(()),
                ')' => return Err("unmatched ')'".into()),
                '^' | '$' => {
                    self.pos += 1;
                    self.push(if c == '^' { Node::Start } else { Node::End }, start);
                    false
                }
                '(' => self.group(depth)?,
                '[' => {
                    let (set, negated) = self.class()?;
                    self.push(Node::Class { set, negated }, start);
                    true
                }
                '.' => {
                    self.pos += 1;
                    let mut set = line_terminators();
                    set.negate();
                    self.push(Node::Class { set, negated: false }, start);
                    true
                }
                '*' | '+' | '?' => return Err("nothing to repeat".into()),
                '{' if self.braced_quantifier().is_some() => return Err("nothing to repeat".into()),
                '\\' => self.atom_escape()?,
                _ => {
                    self.pos += c.len_utf8();
                    self.push(Node::Char(c), start);
                    true
                }
            };
            self.quantifier(quantifiable)?;
        }
        Ok(())
    }

    /// `(…)`, `(?:…)`, `(?<name>…)`, `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`; returns whether a
    /// quantifier may follow.
    fn group(&mut self, depth: usize) -> Result<bool, String> {
        let start = self.pos;
        self.pos += 1;
        let group = if self.eat("?:") {
            Group::NonCapture
        } else if self.eat("?=") {
            Group::Ahead(true)
        } else if self.eat("?!") {
            Group::Ahead(false)
        } else if self.eat("?<=") {
            Group::Behind(true)
        } else if self.eat("?<!") {
            Group::Behind(false)
        } else if self.eat("?<") {
            let end = self.src[self.pos..].find('>').ok_or("invalid capture group name")?;
            let name = &self.src[self.pos..self.pos + end];
            let valid = name.chars().enumerate().all(|(i, c)| {
                c == '$' || c == '_' || if i == 0 { c.is_alphabetic() } else { c.is_alphanumeric() }
            });
            if name.is_empty() || !valid {
                return Err("invalid capture group name".into());
            }
            if self.names.iter().flatten().any(|n| n == name) {
                return Err("duplicate capture group name".into());
            }
            self.pos += end + 1;
            self.names.push(Some(name.to_string()));
            Group::Capture
        } else if self.peek() == Some('?') {
            return Err("invalid group".into());
        } else {
            self.names.push(None);
            Group::Capture
        };
        self.push(Node::Open(group), start);
        self.disjunction(depth + 1)?;
        let close = self.pos;
        if !self.eat(")") {
            return Err("unterminated group".into());
        }
        self.push(Node::Close, close);
        Ok(!matches!(group, Group::Behind(_)))
    }

    /// `{n}`, `{n,}`, `{n,m}` at the position, if one is there: (min, max, length).
    fn braced_quantifier(&self) -> Option<(u32, Option<u32>, usize)> {
        let rest = self.src[self.pos..].strip_prefix('{')?;
        let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
        let n = digits(rest);
        if n == 0 {
            return None;
        }
        // JavaScript clamps huge counts; they cannot match in a span value anyway.
        let number = |s: &str| s.parse::<u32>().unwrap_or(u32::MAX);
        let min = number(&rest[..n]);
        let mut len = n;
        let max = if rest[len..].starts_with(',') {
            len += 1;
            let m = digits(&rest[len..]);
            let max = (m > 0).then(|| number(&rest[len..len + m]));
            len += m;
            max
        } else {
            Some(min)
        };
        rest[len..].starts_with('}').then_some((min, max, len + 2))
    }

    fn quantifier(&mut self, quantifiable: bool) -> Result<(), String> {
        let start = self.pos;
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.braced_quantifier() {
                Some((min, max, len)) => {
                    if max.is_some_and(|m| m < min) {
                        return Err("numbers out of order in {} quantifier".into());
                    }
                    self.pos += len - 1;
                    (min, max)
                }
                None => return Ok(()),
            },
            _ => return Ok(()),
        };
        if !quantifiable {
            return Err("nothing to repeat".into());
        }
        self.pos += 1;
        let lazy = self.eat("?");
        self.push(Node::Repeat { min, max, lazy }, start);
        if matches!(self.peek(), Some('*' | '+' | '?')) || self.braced_quantifier().is_some() {
            return Err("nothing to repeat".into());
        }
        Ok(())
    }

    /// An escape outside a class; returns whether a quantifier may follow.
    fn atom_escape(&mut self) -> Result<bool, String> {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.peek() else { return Err("\\ at end of pattern".into()) };
        match c {
            'b' | 'B' => {
                self.pos += 1;
                self.push(if c == 'b' { Node::WordBoundary } else { Node::NotWordBoundary }, start);
                return Ok(false);
            }
            '1'..='9' => {
                let digits = self.src[self.pos..].bytes().take_while(u8::is_ascii_digit).count();
                let n: usize = self.src[self.pos..self.pos + digits].parse().unwrap_or(usize::MAX);
                if n <= self.all_groups.len() {
                    self.pos += digits;
                    self.push(Node::BackRef(n), start);
                    return Ok(true);
                }
            }
            'k' if self.all_groups.iter().any(Option::is_some) => {
                let rest = &self.src[self.pos + 1..];
                let name = rest.strip_prefix('<').and_then(|r| r.find('>').map(|e| &r[..e]));
                let Some(name) = name else { return Err("invalid named reference".into()) };
                let index = self
                    .all_groups
                    .iter()
                    .position(|n| n.as_deref() == Some(name))
                    .ok_or("invalid named capture referenced")?;
                self.pos += name.len() + 3;
                self.push(Node::BackRef(index + 1), start);
                return Ok(true);
            }
            _ => {}
        }
        let node = match self.character_escape(false)? {
            Escaped::Char(c) => Node::Char(c),
            Escaped::Class(set) => Node::Class { set, negated: false },
        };
        self.push(node, start);
        Ok(true)
    }

    /// The escape after a `\` (at `self.pos`): a character or a class escape.
    fn character_escape(&mut self, in_class: bool) -> Result<Escaped, String> {
        let c = self.peek().ok_or("\\ at end of pattern")?;
        self.pos += c.len_utf8();
        let hex = |s: &str, n: usize| -> Option<u32> {
            let h = s.get(..n)?;
            h.bytes().all(|b| b.is_ascii_hexdigit()).then(|| u32::from_str_radix(h, 16).ok())?
        };
        let ch = match c {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                let mut set = match c.to_ascii_lowercase() {
                    'd' => ascii_class(&[('0', '9')]),
                    'w' => ascii_class(&[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]),
                    _ => white_space(),
                };
                if c.is_ascii_uppercase() {
                    set.negate();
                }
                return Ok(Escaped::Class(set));
            }
            't' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'b' if in_class => '\u{8}',
            'c' => match self.peek() {
                Some(l)
                    if l.is_ascii_alphabetic()
                        || (in_class && (l.is_ascii_digit() || l == '_')) =>
                {
                    self.pos += 1;
                    char::from(l as u8 % 32)
                }
                // Annex B: `\c` without a control letter is a backslash, then `c` is read again.
                _ => {
                    self.pos -= 1;
                    '\\'
                }
            },
            'x' => match hex(&self.src[self.pos..], 2) {
                Some(v) => {
                    self.pos += 2;
                    char::from_u32(v).unwrap_or('x')
                }
                None => 'x',
            },
            'u' => match hex(&self.src[self.pos..], 4) {
                Some(v) => {
                    self.pos += 4;
                    let low = self.src[self.pos..].strip_prefix("\\u").and_then(|r| hex(r, 4));
                    match (v, low) {
                        (0xD800..=0xDBFF, Some(lo @ 0xDC00..=0xDFFF)) => {
                            self.pos += 6;
                            char::from_u32(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00))
                                .unwrap_or('u')
                        }
                        (0xD800..=0xDFFF, _) => {
                            return Err("a lone surrogate escape never matches valid text".into())
                        }
                        _ => char::from_u32(v).unwrap_or('u'),
                    }
                }
                None => 'u',
            },
            // Legacy octal (`\0`, `\12`, `\377`): up to three digits, at most 0o377.
            '0'..='7' => {
                let mut v = c as u32 - '0' as u32;
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ '0'..='7') if v * 8 + (d as u32 - '0' as u32) <= 0o377 => {
                            v = v * 8 + (d as u32 - '0' as u32);
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                char::from_u32(v).unwrap_or('0')
            }
            // Identity escapes: `\8`, `\/`, `\a`, `\k` without named groups, `\p` without `u`.
            other => other,
        };
        Ok(Escaped::Char(ch))
    }

    /// `[…]` or `[^…]` as a set (Annex B: `[\d-z]` is `\d`, `-`, `z`).
    fn class(&mut self) -> Result<(Set, bool), String> {
        self.pos += 1;
        let negated = self.eat("^");
        let mut set = Set::default();
        loop {
            let Some(c) = self.peek() else { return Err("unterminated character class".into()) };
            if c == ']' {
                self.pos += 1;
                break;
            }
            let first = self.class_atom()?;
            let rest = &self.src[self.pos..];
            if rest.starts_with('-') && rest.len() > 1 && !rest[1..].starts_with(']') {
                self.pos += 1;
                let second = self.class_atom()?;
                match (first, second) {
                    (Escaped::Char(a), Escaped::Char(b)) => {
                        if a > b {
                            return Err("range out of order in character class".into());
                        }
                        set.push(a, b);
                    }
                    (a, b) => {
                        for e in [a, Escaped::Char('-'), b] {
                            add(&mut set, e);
                        }
                    }
                }
            } else {
                add(&mut set, first);
            }
        }
        Ok((set, negated))
    }

    fn class_atom(&mut self) -> Result<Escaped, String> {
        let c = self.peek().ok_or("unterminated character class")?;
        self.pos += c.len_utf8();
        if c != '\\' {
            return Ok(Escaped::Char(c));
        }
        match self.peek() {
            None => Err("\\ at end of pattern".into()),
            Some('-') => {
                self.pos += 1;
                Ok(Escaped::Char('-'))
            }
            // In a class `\B` and `\k` are identity escapes and `\8` is `8`.
            Some(_) => self.character_escape(true),
        }
    }
}

enum Escaped {
    Char(char),
    Class(Set),
}

fn add(set: &mut Set, e: Escaped) {
    match e {
        Escaped::Char(c) => set.push(c, c),
        Escaped::Class(c) => set.union(&c),
    }
}

fn ascii_class(ranges: &[(char, char)]) -> Set {
    Set::of(ranges)
}

fn line_terminators() -> Set {
    ascii_class(&[('\n', '\n'), ('\r', '\r'), ('\u{2028}', '\u{2029}')])
}

/// JavaScript's `\s`: WhiteSpace and LineTerminator.
fn white_space() -> Set {
    ascii_class(&[
        ('\t', '\r'),
        (' ', ' '),
        ('\u{a0}', '\u{a0}'),
        ('\u{1680}', '\u{1680}'),
        ('\u{2000}', '\u{200a}'),
        ('\u{2028}', '\u{2029}'),
        ('\u{202f}', '\u{202f}'),
        ('\u{205f}', '\u{205f}'),
        ('\u{3000}', '\u{3000}'),
        ('\u{feff}', '\u{feff}'),
    ])
}

/// JavaScript's `Canonicalize` without `u`: the upper case of a UTF-16 unit when it is one
/// unit and does not turn a non-ASCII character into an ASCII one.
fn canonicalize(c: char) -> char {
    let pairs = case_pairs();
    match pairs.binary_search_by_key(&c, |&(_, d)| d) {
        Ok(i) => pairs[i].0,
        Err(_) => c,
    }
}

/// The characters a class matches: JavaScript folds its set under `i`, then negates `[^…]`.
fn class_set(set: &Set, negated: bool, ignore_case: bool) -> Set {
    let mut set = if ignore_case { fold(set) } else { set.clone() };
    if negated {
        set.negate();
    }
    set
}

/// The characters that match `set` under JavaScript's `i`: those whose canonical form is the
/// canonical form of a member.
fn fold(set: &Set) -> Set {
    let pairs = case_pairs();
    // A character without a pair is its own canonical form.
    let is_canonical = |u: char| canonicalize(u) == u;
    let mut canons = Set::default();
    for &(u, c) in pairs {
        if set.contains(c) || (set.contains(u) && is_canonical(u)) {
            canons.push(u, u);
        }
    }
    let mut out = set.clone();
    for &(u, c) in pairs {
        if canons.contains(u) {
            out.push(c, c);
            if is_canonical(u) {
                out.push(u, u);
            }
        }
    }
    out
}

/// Every BMP character whose canonical form is another character, as (canonical form,
/// character), in code-point order: about 1,400 pairs, found once from `toUpperCase`.
fn case_pairs() -> &'static [(char, char)] {
    static PAIRS: OnceLock<Vec<(char, char)>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let bmp: Vec<char> = (0..=0xFFFF).filter_map(char::from_u32).collect();
        let mut pairs = Vec::new();
        upper_cases(&bmp, &mut |c, u| {
            // Canonicalize never turns a non-ASCII character into an ASCII one (`ſ`, `ı`).
            let to_ascii = u.is_ascii() && !c.is_ascii();
            if u != c && !to_ascii {
                pairs.push((u, c));
            }
        });
        pairs
    })
}

/// Calls `f` with each character of `chars` whose upper case is one character, and that
/// character. In the browser and Node it is JavaScript's own `toUpperCase` (so folding follows
/// the engine's Unicode version, and the package carries no case table), called on long runs:
/// a run whose upper case is as long as the run maps one to one; one with a character that
/// becomes two (`ß` → `SS`) is split in halves.
#[cfg(target_family = "wasm")]
fn upper_cases(chars: &[char], f: &mut impl FnMut(char, char)) {
    let run: String = chars.iter().collect();
    let upper = String::from(js_sys::JsString::from(run.as_str()).to_upper_case());
    if upper.chars().count() == chars.len() {
        // One UTF-16 unit each (a BMP character), as Canonicalize wants.
        for (&c, u) in chars.iter().zip(upper.chars()).filter(|(_, u)| (*u as u32) <= 0xFFFF) {
            f(c, u);
        }
    } else if chars.len() > 1 {
        let (left, right) = chars.split_at(chars.len() / 2);
        upper_cases(left, f);
        upper_cases(right, f);
    }
}

/// Natively: the standard library's case table.
#[cfg(not(target_family = "wasm"))]
fn upper_cases(chars: &[char], f: &mut impl FnMut(char, char)) {
    for &c in chars {
        let mut upper = c.to_uppercase();
        if let (Some(u), None) = (upper.next(), upper.next()) {
            f(c, u);
        }
    }
}

/// A literal character in the Rust syntax: letters and digits as they are, the rest as `\x{…}`
/// (both engines read that, and no character is special).
fn push_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else {
        _ = write!(out, "\\x{{{:X}}}", c as u32);
    }
}

fn push_class(out: &mut String, set: &Set) {
    if set.ranges().is_empty() {
        // A class that matches nothing (`[]` in JavaScript).
        out.push_str(r"[^\x{0}-\x{10FFFF}]");
        return;
    }
    out.push('[');
    for &(start, end) in set.ranges() {
        push_char(out, start);
        if end != start {
            out.push('-');
            push_char(out, end);
        }
    }
    out.push(']');
}

/// A set of characters: sorted, disjoint, non-adjacent ranges.
#[derive(Debug, Clone, Default, PartialEq)]
struct Set(Vec<(char, char)>);

impl Set {
    fn of(ranges: &[(char, char)]) -> Set {
        let mut set = Set::default();
        for &(start, end) in ranges {
            set.push(start, end);
        }
        set
    }

    fn ranges(&self) -> &[(char, char)] {
        &self.0
    }

    /// Adds `start..=end`, merging the ranges it overlaps or touches.
    fn push(&mut self, mut start: char, mut end: char) {
        let before = |&(_, e): &(char, char)| e < start && step(e, 1) < start;
        let lo = self.0.partition_point(before);
        let hi = self.0.partition_point(|&(s, _)| s <= end || s == step(end, 1));
        if lo < hi {
            start = start.min(self.0[lo].0);
            end = end.max(self.0[hi - 1].1);
            self.0.drain(lo..hi);
        }
        self.0.insert(lo, (start, end));
    }

    fn union(&mut self, other: &Set) {
        for &(start, end) in &other.0 {
            self.push(start, end);
        }
    }

    fn contains(&self, c: char) -> bool {
        let i = self.0.partition_point(|&(_, end)| end < c);
        self.0.get(i).is_some_and(|&(start, _)| start <= c)
    }

    /// Every character not in the set.
    fn negate(&mut self) {
        let mut out = Vec::with_capacity(self.0.len() + 1);
        let mut next = Some('\0');
        for &(start, end) in &self.0 {
            if let Some(from) = next.filter(|&n| n < start) {
                out.push((from, step(start, -1)));
            }
            next = (end < char::MAX).then(|| step(end, 1));
        }
        if let Some(from) = next {
            out.push((from, char::MAX));
        }
        self.0 = out;
    }
}

/// The character after (`by` 1) or before (`by` -1) `c`, skipping the surrogate gap; only
/// called where one exists.
fn step(c: char, by: i32) -> char {
    let next = (c as i32 + by) as u32;
    let next = match next {
        0xD800..=0xDFFF if by > 0 => 0xE000,
        0xD800..=0xDFFF => 0xD7FF,
        n => n,
    };
    char::from_u32(next).unwrap_or(c)
}

/// Whether `text` contains the lower-case ASCII `needle`, ignoring ASCII case.
fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else { return true };
    let upper = first.to_ascii_uppercase();
    (0..text.len().saturating_sub(rest.len())).any(|i| {
        (text[i] == first || text[i] == upper)
            && text[i + 1..i + 1 + rest.len()].eq_ignore_ascii_case(rest)
    })
}

/// The last non-empty line of the engine's multi-line error, which says what is wrong.
fn last_line(message: &str) -> String {
    message
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(p: &str, i: bool, t: &str) -> Option<String> {
        JsRegex::new(p, i).unwrap().first(t).unwrap().map(|m| m.get(0).unwrap().to_string())
    }

    #[test]
    fn javascript_classes() {
        assert_eq!(
            first(r"\s+", false, "a\u{a0}\u{feff}\u{2028}b").as_deref(),
            Some("\u{a0}\u{feff}\u{2028}")
        );
        assert_eq!(first(r"a.b", false, "a\rb a\u{2029}b axb").as_deref(), Some("axb"));
        assert_eq!(first(r"\w+", false, "éab1_").as_deref(), Some("ab1_"));
        assert_eq!(first(r"\d", false, "٣4").as_deref(), Some("4"));
        assert_eq!(first(r"\bb", false, "éb").as_deref(), Some("b"));
        assert_eq!(first(r"x$", false, "x\n"), None);
    }

    #[test]
    fn canonical_forms_like_javascript() {
        // Node: "é".toUpperCase() is "É"; ſ and ı would become ASCII, ß two letters: unchanged.
        let pairs = [('é', 'É'), ('ſ', 'ſ'), ('ı', 'ı'), ('ß', 'ß'), ('ǆ', 'Ǆ'), ('ǅ', 'Ǆ')];
        for (c, canon) in
            pairs.into_iter().chain([('µ', 'Μ'), ('\u{212a}', '\u{212a}'), ('a', 'A')])
        {
            assert_eq!(canonicalize(c), canon, "{c}");
        }
    }

    #[test]
    fn case_folding_like_javascript() {
        assert_eq!(first("é", true, "É").as_deref(), Some("É"));
        assert_eq!(first("k", true, "\u{212a}"), None);
        assert_eq!(first("s", true, "ſ"), None);
        assert_eq!(first("σ", true, "ς").as_deref(), Some("ς"));
        assert_eq!(first("[a-z]+", true, "ſKAbc").as_deref(), Some("KAbc"));
        assert_eq!(first("[^a]", true, "Ab").as_deref(), Some("b"));
    }

    #[test]
    fn non_word_boundary_is_ascii() {
        // Node: /\B./.exec("aé") is null, /\B./.exec("éé") is "é" at 0, /\Bb/.exec("ab") "b".
        assert_eq!(first(r"\B.", false, "aé"), None);
        assert_eq!(first(r"\B.", false, "éé").as_deref(), Some("é"));
        assert_eq!(first(r"\Bb", false, "é b"), None);
        assert_eq!(first(r"\Bb", false, "ab").as_deref(), Some("b"));
    }

    #[test]
    fn sets() {
        let mut set =
            Set::of(&[('c', 'd'), ('a', 'b'), ('\u{e000}', '\u{e001}'), ('\u{d7ff}', '\u{d7ff}')]);
        assert_eq!(set.ranges(), [('a', 'd'), ('\u{d7ff}', '\u{e001}')]);
        assert!(set.contains('b') && set.contains('\u{e000}') && !set.contains('e'));
        set.negate();
        assert_eq!(set.ranges(), [('\0', '`'), ('e', '\u{d7fe}'), ('\u{e002}', char::MAX)]);
        set.negate();
        assert_eq!(set.ranges(), [('a', 'd'), ('\u{d7ff}', '\u{e001}')]);
        let mut all = Set::default();
        all.negate();
        assert_eq!(all.ranges(), [('\0', char::MAX)]);
    }

    /// The case classes are complete: a character folds to exactly the BMP characters that
    /// share its canonical form (checked by brute force over the BMP for a sample).
    #[test]
    fn folding_is_complete() {
        for c in ['a', 'é', 'σ', 'ς', 'µ', 'ǅ', 'k', 'ı', 'İ', 'ß', 'ẞ', 'Ω', 'ω'] {
            let want: Vec<char> = (0..=0xFFFF)
                .filter_map(char::from_u32)
                .filter(|&d| canonicalize(d) == canonicalize(c))
                .collect();
            let got: Vec<char> =
                fold(&Set::of(&[(c, c)])).ranges().iter().flat_map(|&(a, b)| a..=b).collect();
            assert_eq!(got, want, "{c}");
        }
    }

    #[test]
    fn annex_b() {
        assert_eq!(first(r"\1a", false, "\u{1}a").as_deref(), Some("\u{1}a"));
        assert_eq!(first(r"\8", false, "8").as_deref(), Some("8"));
        assert_eq!(first(r"a{,2}", false, "a{,2}").as_deref(), Some("a{,2}"));
        assert_eq!(first(r"\k<x>", false, "k<x>").as_deref(), Some("k<x>"));
        assert_eq!(first(r"[\d-z]+", false, "1-z").as_deref(), Some("1-z"));
        assert_eq!(first(r"\cJ\c1", false, "\n\\c1").as_deref(), Some("\n\\c1"));
        assert_eq!(first(r"[]a", false, "a"), None);
        assert_eq!(first(r"[^]", false, "\n").as_deref(), Some("\n"));
        for bad in [
            "*",
            "a**",
            "(",
            ")",
            "[a",
            "[z-a]",
            "a{2,1}",
            "(?<1>a)",
            "(?<a>.)(?<a>.)",
            "\\",
            "(?i)a",
            "^*",
        ] {
            assert!(JsRegex::new(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn look_around_and_back_references() {
        let re =
            JsRegex::new(r#"{(?=[^\}]*\bkey":"host")[^\}]*\bvalue":"(.*?)".*}"#, true).unwrap();
        let text = r#"[{"value":"h1","key":"host"}]"#;
        assert_eq!(re.first(text).unwrap().unwrap().get(1), Some("h1"));
        assert_eq!(first(r"(?<q>['x])\w+\k<q>", false, "'ab'").as_deref(), Some("'ab'"));
        assert!(JsRegex::new(r"a\Bb", false).unwrap().is_linear());
        assert!(!JsRegex::new(r"(?=a)", false).unwrap().is_linear());
        let hostile = JsRegex::new(r"(?=(a+)+\1b)", false).unwrap();
        assert_eq!(hostile.first(&"a".repeat(3000)), Err(BacktrackLimit));
    }

    /// JavaScript's own results (Node 20), for what only backtracking gets right.
    #[test]
    fn backtracking_semantics() {
        let cases: [(&str, bool, &str, &[Option<&str>]); 15] = [
            (r"(?<=(\d+)(\d+))$", false, "1053", &[Some(""), Some("1"), Some("053")]),
            (r"(?:(a)|b)+\1", false, "abb", &[Some("abb"), None]),
            (
                r"(z)((a+)?(b+)?(c))*",
                false,
                "zaacbbbcac",
                &[Some("zaacbbbcac"), Some("z"), Some("ac"), Some("a"), None, Some("c")],
            ),
            (r"(a*)*", false, "b", &[Some(""), None]),
            (r"(a*)+", false, "b", &[Some(""), Some("")]),
            (r"(?:(a)|b)+", false, "ab", &[Some("ab"), None]),
            (r"(?=(a+))a*b\1", false, "baaabac", &[Some("aba"), Some("a")]),
            (
                r"(.*?)a(?!(a+)b\2c)\2(.*)",
                false,
                "baaabaac",
                &[Some("baaabaac"), Some("ba"), None, Some("abaac")],
            ),
            (r"\1(a)", false, "aa", &[Some("a"), Some("a")]),
            (r"(a)\1", true, "aA", &[Some("aA"), Some("a")]),
            (r"(?<!(x))y\1", false, "ay", &[Some("y"), None]),
            (r"(?<=\1(a))b", false, "aab", &[Some("b"), Some("a")]),
            (r"^(?:a|ab)(?=c)", false, "abc", &[Some("ab")]),
            (
                r"(a|ab)(c|bcd)(d*)",
                false,
                "abcd",
                &[Some("abcd"), Some("a"), Some("bcd"), Some("")],
            ),
            (r"(?:a{2,3}?)+?x", false, "aaaaax", &[Some("aaaaax")]),
        ];
        for (pattern, i, text, want) in cases {
            let re = JsRegex::new(pattern, i).unwrap();
            let m = re.first(text).unwrap().unwrap();
            let got: Vec<Option<&str>> = (0..want.len()).map(|g| m.get(g)).collect();
            assert_eq!(got, want, "{pattern} on {text:?}");
        }
    }

    #[test]
    fn global_matches_like_match_all() {
        let re = JsRegex::new("b*", false).unwrap();
        let all: Vec<_> = re.all("ab").unwrap().iter().map(|m| m.range()).collect();
        assert_eq!(all, [0..0, 1..2, 2..2]);
    }

    #[test]
    fn literals() {
        let lit = |p: &str| Syntax::parse(p).unwrap().required_literal();
        assert_eq!(
            lit(r#""value":"([^"]+)","key":"k8s\.pod\.name""#).as_deref(),
            Some(r#"","key":"k8s.pod.name""#)
        );
        assert_eq!(lit(r"Host=(dev|prod)"), None);
        assert_eq!(lit(r"traceID=(\w+)").as_deref(), Some("traceID="));
        assert_eq!(lit(r"ab?c").as_deref(), Some("a"));
        assert_eq!(lit(r"(abc)?x*"), None);
        assert_eq!(lit(r"ab+c").as_deref(), Some("ab"));
        assert!(contains_ignore_ascii_case("xTraceId=", "traceid="));
        assert!(!contains_ignore_ascii_case("trace", "traceid"));
    }
}
