// Node, ESM: the wasm is instantiated synchronously on import (one instance shared with require()).
export * from "./glue-node.cjs";
import * as engine from "./glue-node.cjs";
import { provisioningReader } from "./provisioning.js";
export const parseProvisioning = provisioningReader(engine);
