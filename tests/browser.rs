//! The binding's wasm tests in headless Chromium: `wasm-pack test --headless --chrome --test
//! browser`.
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
// tests/common is the golden tests' fixtures (main); the wasm tests live in tests/wasm_common.
mod wasm_common;
