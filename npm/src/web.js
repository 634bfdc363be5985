// Browsers without a bundler: `import init, { ... } from "spanlink/web"; await init();`
export * from "./glue-web.js";
export { default } from "./glue-web.js";
import * as engine from "./glue-web.js";
import { provisioningReader } from "./provisioning.js";
export const parseProvisioning = provisioningReader(engine);
