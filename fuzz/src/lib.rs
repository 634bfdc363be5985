//! What every fuzz target checks besides "no panic, no hang".

use spanlink::href;
use spanlink::{Correlator, Link, Options, Result};
use std::sync::OnceLock;

/// The correlator a target builds once from its fixed settings.
pub fn built(cell: &'static OnceLock<Correlator>, settings: &str) -> &'static Correlator {
    cell.get_or_init(|| Correlator::new(settings, Options::default()).expect("the settings build"))
}

/// Every href that leaves the engine is `about:blank` or passes the safe-href check.
pub fn links_are_safe(links: Result<Vec<Link>>) {
    for link in links.into_iter().flatten() {
        link_is_safe(&link);
    }
}

/// One link's href is `about:blank` or passes the safe-href check.
pub fn link_is_safe(link: &Link) {
    assert!(
        link.href == href::BLANK || href::check(&link.href, "").is_ok(),
        "unsafe href left the engine: {:?}",
        link.href
    );
}

/// The parts of a fuzz input, split at 0xFF (a byte UTF-8 never has), each read as text.
pub struct Parts(Vec<String>);

impl Parts {
    /// Splits `data`.
    pub fn of(data: &[u8]) -> Parts {
        Parts(data.split(|b| *b == 0xFF).map(|p| String::from_utf8_lossy(p).into_owned()).collect())
    }

    /// Part `i`, or `""` when the input has fewer parts.
    pub fn at(&self, i: usize) -> String {
        self.0.get(i).cloned().unwrap_or_default()
    }
}
