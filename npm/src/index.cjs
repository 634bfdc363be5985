"use strict";
// Node, CommonJS: the wasm is instantiated synchronously on require.
const glue = require("./glue-node.cjs");
const { parseProvisioning } = require("./provisioning.cjs");
module.exports = Object.assign({}, glue, { parseProvisioning });
