// Bundlers (Vite, webpack 5) and browsers: ready on import. The .wasm is an asset the bundler
// emits (new URL(..., import.meta.url)); top-level await instantiates it before any use.
import init from "./glue-web.js";
await init({ module_or_path: new URL("./spanlink_bg.wasm", import.meta.url) });
export * from "./glue-web.js";
import * as engine from "./glue-web.js";
import { provisioningReader } from "./provisioning.js";
// Pure: a bundler drops the YAML reader (and the yaml package) when parseProvisioning is unused.
export const parseProvisioning = /*#__PURE__*/ provisioningReader(engine);
