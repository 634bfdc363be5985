//! The one decision whether an href may leave the engine. Every link's href, of every link kind,
//! passes [`check`] after interpolation; an unsafe one is replaced by [`BLANK`] and the caller
//! says why ([`Unsafe`], reason code [`UNSAFE_URL`]).
//!
//! The href is read as a browser's URL parser will read it (WHATWG URL Standard, "basic URL
//! parser"): leading and trailing C0 controls and spaces stripped, ASCII tab and newline removed
//! anywhere, the scheme read case-insensitively. Allowed: `http:`, `https:`, `mailto:` and
//! scheme-less (relative) URLs. Stricter than Grafana's `sanitizeUrl`, which only blocks
//! `javascript:`, `vbscript:` and `data:` read naively (so `"\0javascript:"` passed).
//!
//! Two more rules make it safe by construction rather than by list:
//! - a scheme that only appears once HTML character references or percent-escapes are decoded,
//!   or invisible characters dropped (`&#106;avascript:`, `javascript%3A`, `java\0script:`), is
//!   judged as if decoded: such text is unsafe wherever it is later decoded;
//! - the literal text of the template before its first placeholder fixes the host: a value
//!   interpolated after `https://ok.example/` or `/` can never move the link to another host
//!   (`/${v}` with `v = "/evil.example"` would otherwise be the scheme-relative
//!   `//evil.example`).

use std::borrow::Cow;

use crate::template::Template;

/// What an unsafe href becomes.
pub const BLANK: &str = "about:blank";

/// The reason code `explain()` and `diagnostics()` give for an unsafe href.
pub const UNSAFE_URL: &str = "UNSAFE_URL";

/// The schemes a link may have (besides none).
const ALLOWED: [&str; 3] = ["http", "https", "mailto"];

/// Why an href may not leave the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsafe {
    /// The browser reads a scheme outside the allow-list (`javascript`, `data`, `file`, …).
    Scheme(String),
    /// A scheme outside the allow-list shows once entities or percent-escapes are decoded or
    /// invisible characters removed.
    HiddenScheme(String),
    /// An interpolated value moved the link off the host its template fixes.
    HostChanged {
        /// The host the template's literal text fixes (`""`: a path on Grafana's own host).
        fixed: String,
        /// The host the href points to.
        found: String,
    },
}

impl Unsafe {
    /// One sentence for `explain()` and `diagnostics()`.
    pub fn message(&self) -> String {
        match self {
            Unsafe::Scheme(s) => format!(
                "the URL has the scheme `{s}:`; only http:, https:, mailto: and relative URLs \
                 are linked, so the href is {BLANK}"
            ),
            Unsafe::HiddenScheme(s) => format!(
                "the URL hides the scheme `{s}:` behind character references, percent-escapes or \
                 invisible characters, so the href is {BLANK}"
            ),
            Unsafe::HostChanged { fixed, found } => {
                let fixed = if fixed.is_empty() { "Grafana's own host" } else { fixed };
                format!(
                    "an interpolated value moves the link from {fixed} to the host {found:?}, so \
                     the href is {BLANK}"
                )
            }
        }
    }
}

/// Whether `href` may leave the engine. `fixed` is the literal text the href was made from before
/// any interpolated value (a template's text up to its first placeholder; the whole href when
/// nothing was interpolated): the host it fixes must stay.
pub fn check(href: &str, fixed: &str) -> Result<(), Unsafe> {
    let view = browser_view(href);
    if let Some(s) = scheme(&view) {
        if !ALLOWED.contains(&s.as_str()) {
            return Err(Unsafe::Scheme(s));
        }
    }
    if let Some(s) = scheme(&decoded_head(&view)) {
        if !ALLOWED.contains(&s.as_str()) {
            return Err(Unsafe::HiddenScheme(s));
        }
    }
    if !href.starts_with(fixed) {
        return Ok(());
    }
    let found = host(&view);
    match host(&browser_view(fixed)) {
        Host::Undecided => Ok(()),
        Host::Open(partial) => match found {
            Host::Open(f) | Host::Closed(f) if stays_on(partial, f) => Ok(()),
            _ => Err(host_changed(partial, found)),
        },
        fixed if fixed == found => Ok(()),
        fixed => Err(host_changed(fixed.name(), found)),
    }
}

/// The literal text a template starts with, before its first placeholder: what fixes the host of
/// the URL it renders.
pub fn fixed_prefix(template: &Template) -> &str {
    let source = template.source();
    let end = template.placeholders().first().map_or(source.len(), |p| p.offset);
    source.get(..end).unwrap_or("")
}

/// Why a URL template is unsafe before any value is interpolated (its literal start already has
/// a scheme outside the allow-list), for `diagnostics()`.
pub fn unsafe_template(template: &Template) -> Option<Unsafe> {
    let fixed = fixed_prefix(template);
    check(fixed, fixed).err()
}

/// `href` if it may leave the engine, else [`BLANK`] and why.
pub fn sanitize(href: String, fixed: &str) -> (String, Option<Unsafe>) {
    match check(&href, fixed) {
        Ok(()) => (href, None),
        Err(why) => (BLANK.to_string(), Some(why)),
    }
}

fn host_changed(fixed: &str, found: Host) -> Unsafe {
    Unsafe::HostChanged { fixed: host_name(fixed), found: host_name(found.name()) }
}

/// The text a browser's URL parser reads: C0 controls and spaces trimmed at both ends, ASCII tab,
/// LF and CR removed everywhere.
fn browser_view(href: &str) -> Cow<'_, str> {
    let trimmed = href.trim_matches(|c: char| c <= ' ');
    // A byte scan: every href passes here, and a char-by-char `contains` was a fifth of the
    // time of a span's links.
    if trimmed.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        Cow::Owned(trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect())
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// The scheme the parser reads, lower-cased: an ASCII letter, then letters, digits, `+`, `-`,
/// `.`, up to a `:`. `None` for a relative URL.
fn scheme(view: &str) -> Option<String> {
    let mut chars = view.char_indices();
    if !chars.next()?.1.is_ascii_alphabetic() {
        return None;
    }
    for (i, c) in chars {
        if c == ':' {
            return Some(view[..i].to_ascii_lowercase());
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
            return None;
        }
    }
    None
}

/// How many characters of an href can hold a scheme worth decoding (the longest registered
/// scheme is far shorter).
const HEAD: usize = 256;

/// The start of `view` that could still spell a scheme once decoded (up to the first `/` or `?`,
/// which no decoding removes; a `#` may open a character reference), with character references and percent-escapes decoded
/// (repeatedly: text may be decoded more than once on its way) and invisible characters removed.
fn decoded_head(view: &str) -> String {
    let end = view.bytes().position(|b| b == b'/' || b == b'?').unwrap_or(view.len());
    let mut text: String = view[..end].chars().take(HEAD).collect();
    for _ in 0..4 {
        let next = decode_percent(&decode_entities(&text));
        if next == text {
            break;
        }
        text = next;
    }
    text.retain(|c| !(c.is_control() || c.is_whitespace() || is_invisible(c)));
    text
}

/// Format characters a renderer shows as nothing (soft hyphen, zero-width marks, BOM).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Decodes `&#NN;`, `&#xHH;` (semicolon optional, as HTML allows) and the named references
/// that spell URL syntax (`&colon;`, `&Tab;`, `&NewLine;`, `&sol;`).
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (decoded, used) = entity(rest).unwrap_or(('&', 1));
        out.push(decoded);
        rest = &rest[used..];
    }
    out.push_str(rest);
    out
}

/// The character a reference at the start of `s` (which starts with `&`) stands for, and its
/// length in bytes.
fn entity(s: &str) -> Option<(char, usize)> {
    let body = &s[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (radix, digits_at) = match num.as_bytes().first() {
            Some(b'x' | b'X') => (16, 2),
            _ => (10, 1),
        };
        let digits = &body[digits_at..];
        let len = digits.bytes().take_while(|b| (*b as char).is_digit(radix)).count();
        if len == 0 {
            return None;
        }
        let value = u32::from_str_radix(&digits[..len.min(8)], radix).ok()?;
        let c = char::from_u32(value).unwrap_or('\u{FFFD}');
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c, 1 + digits_at + len + semicolon));
    }
    for (name, c) in [("colon;", ':'), ("tab;", '\t'), ("newline;", '\n'), ("sol;", '/')] {
        // `get`: the text after `&` may end inside a multi-byte character.
        if body.get(..name.len()).is_some_and(|b| b.eq_ignore_ascii_case(name)) {
            return Some((c, 1 + name.len()));
        }
    }
    None
}

/// Decodes `%HH` escapes (invalid UTF-8 becomes U+FFFD).
fn decode_percent(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).and_then(|b| hex(*b)),
            bytes.get(i + 2).and_then(|b| hex(*b)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the text of a URL decides about its host, read against Grafana's http(s) page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Host<'a> {
    /// Nothing yet: the text is empty or could still become a scheme (`htt`).
    Undecided,
    /// No host of its own: a path on Grafana's host (`/explore`, `./x`, `?q`), or a scheme
    /// without hosts (`mailto:`).
    Path,
    /// The authority so far, not yet closed by `/`, `\`, `?` or `#` (`https://ok.example`).
    Open(&'a str),
    /// The whole authority (`https://ok.example/`, `//cdn.example/x`).
    Closed(&'a str),
}

impl<'a> Host<'a> {
    fn name(self) -> &'a str {
        match self {
            Host::Open(a) | Host::Closed(a) => a,
            Host::Undecided | Host::Path => "",
        }
    }
}

fn host(view: &str) -> Host<'_> {
    let is_slash = |c: char| c == '/' || c == '\\';
    let rest = match scheme(view) {
        Some(s) if s == "http" || s == "https" => &view[s.len() + 1..],
        Some(_) => return Host::Path,
        None if view.is_empty() => return Host::Undecided,
        None => {
            let mut chars = view.chars();
            match (chars.next(), chars.next()) {
                (Some(a), Some(b)) if is_slash(a) && is_slash(b) => view,
                (Some(a), _) if is_slash(a) => return Host::Path,
                _ if view.contains(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c))) => {
                    return Host::Path
                }
                _ => return Host::Undecided,
            }
        }
    };
    // Special URLs skip any run of slashes and backslashes before the authority.
    let authority = rest.trim_start_matches(is_slash);
    match authority.find(['/', '\\', '?', '#']) {
        Some(end) => Host::Closed(&authority[..end]),
        None => Host::Open(authority),
    }
}

/// The host of an authority: without user info and port, lower-cased.
fn host_name(authority: &str) -> String {
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.split(':').next().unwrap_or(host),
    };
    host.to_ascii_lowercase()
}

/// Whether an authority the template left open (`https://ok.example`) still names its host after
/// interpolation: no user info added (`ok.example@evil.example`), the host only extended, and not
/// even that once a port has begun.
fn stays_on(partial: &str, found: &str) -> bool {
    if found.matches('@').count() != partial.matches('@').count() {
        return false;
    }
    let (fixed, found_host) = (host_name(partial), host_name(found));
    let port_begun = partial.rsplit('@').next().is_some_and(|h| h.contains(':'));
    if port_begun {
        found_host == fixed
    } else {
        found_host.starts_with(&fixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(href: &str) -> bool {
        check(href, "").is_ok()
    }

    #[test]
    fn reads_the_scheme_as_a_browser_does() {
        for bad in [
            "javascript:alert(1)",
            "\u{0}javascript:alert(1)",
            " \u{1f}JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://x.example/",
            "localhost:3000/x",
        ] {
            assert!(matches!(check(bad, ""), Err(Unsafe::Scheme(_))), "{bad:?}");
        }
        for good in
            ["https://x.example/a", "HTTP://x", "mailto:a@b.example", "/explore?x", "", "a/b:c"]
        {
            assert!(ok(good), "{good:?}");
        }
    }

    #[test]
    fn decodes_before_judging() {
        for bad in [
            "&#106;avascript:alert(1)",
            "&#x6A;avascript&#x3A;alert(1)",
            "&#0000106&#0000097vascript:alert(1)",
            "javascript&colon;alert(1)",
            "javascript%3Aalert(1)",
            "%6A%61vascript:alert(1)",
            "%256Aavascript:alert(1)",
            "java\u{0}script:alert(1)",
            "\u{feff}javascript:alert(1)",
            "jav&#x09;ascript:alert(1)",
        ] {
            assert!(matches!(check(bad, ""), Err(Unsafe::HiddenScheme(_))), "{bad:?}");
        }
        assert!(ok("https://x.example/?q=javascript%3Aalert(1)"));
        assert!(ok("/search?q=&#106;avascript:"));
    }

    #[test]
    fn fuzz_regressions() {
        // span_links and log_links, scripts/fuzz.sh: a reference name cut inside a multi-byte
        // character panicked on slicing.
        assert!(check("javascript:alert(&quot\u{FFFD})", "").is_err());
        assert!(check("&quot\u{FFFD})", "").is_ok());
        assert!(check("&#000\u{8a}\u{8a}&c\u{e9}", "").is_ok());
    }

    #[test]
    fn a_value_in_the_path_never_changes_the_host() {
        let fixed = "https://ok.example/";
        assert!(check("https://ok.example///evil.example", fixed).is_ok());
        assert!(check("https://ok.example/\\evil.example", fixed).is_ok());
        // A root-relative template stays on Grafana's host.
        assert!(check("/x", "/").is_ok());
        for bad in ["//evil.example", "/\\evil.example", "/\t/evil.example"] {
            assert!(matches!(check(bad, "/"), Err(Unsafe::HostChanged { .. })), "{bad:?}");
        }
        // An authority the template leaves open: a port or a longer host name, not user info.
        let open = "https://ok.example";
        assert!(check("https://ok.example:8080/x", open).is_ok());
        assert!(check("https://ok.example.eu/x", open).is_ok());
        assert_eq!(
            check("https://ok.example@evil.example/", open),
            Err(Unsafe::HostChanged { fixed: "ok.example".into(), found: "evil.example".into() })
        );
        assert!(check("https://ok.example:1@evil.example/", "https://ok.example:").is_err());
        // The whole URL from a value: only the scheme is judged.
        assert!(check("//cdn.example/x", "").is_ok());
    }
}
