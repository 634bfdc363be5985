// spanlink/grafana for browsers and bundlers: shares its wasm instance (glue-web.js) with
// `spanlink` (the browser entry) and `spanlink/web`, whose `init()` must have run first.
import { parseTrace } from "./glue-web.js";
import { makeCreateSpanLink } from "./grafana-core.js";

export { toLinkModel, toSpanLinkDef, spanLinkType, findTraceFrame } from "./grafana-core.js";
export const createSpanLink = /*#__PURE__*/ makeCreateSpanLink(parseTrace);
