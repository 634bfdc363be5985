import * as spanlink from "spanlink";
import { run } from "./app.js";
document.getElementById("out").textContent = run(spanlink);
