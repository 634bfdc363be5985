// Node, ESM: the wasm is instantiated synchronously on import (one instance shared with require()).
export * from "./glue-node.cjs";
export { parseProvisioning } from "./provisioning.js";
