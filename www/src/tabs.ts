// The playground's tab strip (Settings / Trace): click or ←/→ to switch.
import { $ } from "./dom";

export class Tabs {
  constructor(private readonly tabs: HTMLButtonElement[]) {
    tabs.forEach((t, i) => {
      t.addEventListener("click", () => this.show(i));
      t.addEventListener("keydown", (e) => {
        if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
          const j = (i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length;
          this.show(j);
          tabs[j].focus();
        }
      });
    });
    this.show(0);
  }

  show(i: number) {
    this.tabs.forEach((t, k) => {
      t.setAttribute("aria-selected", String(k === i));
      t.tabIndex = k === i ? 0 : -1;
      $(t.getAttribute("aria-controls")!).hidden = k !== i;
    });
  }
}
