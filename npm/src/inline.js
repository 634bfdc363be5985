// For hosts that cannot fetch a .wasm asset (Grafana plugins loaded by SystemJS): the wasm bytes
// are embedded as base64 and instantiated synchronously on import.
import { initSync } from "./glue-inline.js";
import { wasmBase64 } from "./wasm-base64.js";

const text = atob(wasmBase64);
const bytes = new Uint8Array(text.length);
for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
initSync({ module: bytes });

export * from "./glue-inline.js";
import * as engine from "./glue-inline.js";
import { provisioningReader } from "./provisioning.js";
// Pure: a bundler drops the YAML reader (and the yaml package) when parseProvisioning is unused.
export const parseProvisioning = /*#__PURE__*/ provisioningReader(engine);
