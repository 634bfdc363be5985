// spanlink/grafana in Node: shares its wasm instance with `spanlink` (glue-node.cjs).
import glue from "./glue-node.cjs";
import { makeCreateSpanLink } from "./grafana-core.js";

export { toLinkModel, toSpanLinkDef, spanLinkType, findTraceFrame } from "./grafana-core.js";
export const createSpanLink = makeCreateSpanLink(glue.parseTrace);
