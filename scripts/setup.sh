#!/usr/bin/env bash
# Installs everything the build, tests and demo need. Idempotent: a warm machine skips every step.
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_PACK_VERSION=0.15.1
WASM_BINDGEN_VERSION=0.2.130   # MUST equal wasm-bindgen in Cargo.lock (Cargo.toml pins "=0.2.130")
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
ver() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | awk '{print $2}' || true; }

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
[ "$(ver wasm-pack)" = "$WASM_PACK_VERSION" ] || cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
# No --locked: wasm-bindgen-cli's lock pins webpki-roots 1.0.11, which the registry does not serve.
[ "$(ver wasm-bindgen)" = "$WASM_BINDGEN_VERSION" ] || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
# Fuzzing (scripts/fuzz.sh): libFuzzer needs the nightly toolchain and cargo-fuzz.
CARGO_FUZZ_VERSION=0.13.2
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
[ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" = "$CARGO_FUZZ_VERSION" ] || cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
# Debian's binaryen 108 corrupts wasm-bindgen output; the build runs no wasm-opt, wasm-pack test must not find it.
if [ "$(command -v wasm-opt || true)" = /usr/bin/wasm-opt ]; then echo "WARNING: /usr/bin/wasm-opt (Debian binaryen) breaks wasm-bindgen output: apt-get remove binaryen" >&2; fi

# npm install, not npm ci (vite 7's lock lacks other platforms' rollup packages); skipped when up to date.
npm_install() {
  [ -f "$1/package.json" ] || return 0
  if [ ! "$1/node_modules/.package-lock.json" -nt "$1/package.json" ] || [ ! "$1/node_modules/.package-lock.json" -nt "$1/package-lock.json" ]; then
    # touch: npm writes the lock files in the same second, and -nt needs strictly newer.
    (cd "$1" && npm install --no-audit --no-fund "${@:2}" && touch node_modules/.package-lock.json)
  fi
}
npm_install npm
npm_install tests/js
npm_install www
# The example Grafana panel plugin: @grafana/create-plugin's webpack toolchain, about 700 packages
# (1 m 40 s on a fresh machine). spanlink comes from npm/ by file: link.
npm_install examples/grafana-panel
# Grafana's own interpolator, for the differential test (tests/grafana-diff) and the benchmark:
# about 30 s and 450 MB on a fresh machine. Its peers only resolve with --legacy-peer-deps.
npm_install bench/peers --legacy-peer-deps
echo "setup: ok"
