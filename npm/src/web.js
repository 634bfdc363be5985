// Browsers without a bundler: `import init, { ... } from "spanlink/web"; await init();`
export * from "./glue-web.js";
export { default } from "./glue-web.js";
export { parseProvisioning } from "./provisioning.js";
