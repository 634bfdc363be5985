//! The binding's wasm tests under Node: `wasm-pack test --node --test node`.
#![cfg(target_arch = "wasm32")]
mod wasm;
