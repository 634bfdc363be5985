export * from "./glue.js";
export { parseProvisioning } from "./provisioning.js";
