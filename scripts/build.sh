#!/usr/bin/env bash
# Builds the npm package into npm/dist: one release wasm, wasm-bindgen glue for Node (CJS + ESM),
# bundlers/browsers (web target + top-level await), spanlink/web, spanlink/inline, spanlink/bundler.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --lib --target wasm32-unknown-unknown
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/spanlink.wasm"
gen="$CARGO_TARGET_DIR/wasm-bindgen"
rm -rf "$gen"
# No wasm-opt (toolchain.md §4: stripping names beats -Oz on gzipped size); drop the name and
# producers sections here instead of `strip = true`, which would remove target_features.
for target in nodejs web bundler; do
  wasm-bindgen --target "$target" --remove-name-section --remove-producers-section --out-dir "$gen/$target" "$wasm"
done
node npm/build.mjs "$gen"
