//! What every fuzz target checks besides "no panic, no hang".

use spanlink::href;
use spanlink::{Link, Result};

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
pub fn parts(data: &[u8]) -> Vec<String> {
    data.split(|b| *b == 0xFF).map(|p| String::from_utf8_lossy(p).into_owned()).collect()
}
