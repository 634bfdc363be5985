export * from "./glue-web.js";
export { default } from "./glue-web.js";
export { parseProvisioning } from "./provisioning.js";
