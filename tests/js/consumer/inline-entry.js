import * as spanlink from "spanlink/inline";
import { run } from "./app.js";
console.log(run(spanlink));
