// Browsers without a bundler: `import init, { ... } from "spanlink/web"; await init();`
export * from "./glue-web.js";
export { default } from "./glue-web.js";
import * as engine from "./glue-web.js";
import { provisioningReader } from "./provisioning.js";
// Pure: a bundler drops the YAML reader (and the yaml package) when parseProvisioning is unused.
export const parseProvisioning = /*#__PURE__*/ provisioningReader(engine);
