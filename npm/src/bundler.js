// wasm-bindgen's bundler target, for setups with WebAssembly ESM integration
// (webpack `experiments.asyncWebAssembly`, vite-plugin-wasm).
export * from "./glue-bundler.js";
import * as engine from "./glue-bundler.js";
import { provisioningReader } from "./provisioning.js";
// Pure: a bundler drops the YAML reader (and the yaml package) when parseProvisioning is unused.
export const parseProvisioning = /*#__PURE__*/ provisioningReader(engine);
