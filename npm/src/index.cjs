"use strict";
// Node, CommonJS: the wasm is instantiated synchronously on require.
const glue = require("./glue-node.cjs");
const { provisioningReader } = require("./provisioning.cjs");
module.exports = Object.assign({}, glue, { parseProvisioning: provisioningReader(glue) });
