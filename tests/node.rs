//! The binding's wasm tests under Node: `wasm-pack test --node --test node`.
#![cfg(target_arch = "wasm32")]
// tests/common is the golden tests' fixtures (main); the wasm tests live in tests/wasm_common.
mod wasm_common;
