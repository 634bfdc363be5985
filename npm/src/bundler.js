// wasm-bindgen's bundler target, for setups with WebAssembly ESM integration
// (webpack `experiments.asyncWebAssembly`, vite-plugin-wasm).
export * from "./glue-bundler.js";
export { parseProvisioning } from "./provisioning.js";
