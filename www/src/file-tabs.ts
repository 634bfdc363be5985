// A tab per provisioning file, above the settings editor, when the settings are several files.
import type { AppState } from "./app-state";
import { h } from "./dom";

export function renderFileTabs(host: HTMLElement, state: AppState, onOpen: (i: number) => void) {
  const files = state.settingsFiles;
  host.hidden = files.length < 2;
  if (host.hidden) {
    host.replaceChildren();
    delete host.dataset.key;
    return;
  }
  // redrawn only when the files or the active one change; a focused tab strip keeps the focus
  const hadFocus = host.contains(document.activeElement);
  const key = JSON.stringify([state.activeFile, files.map((f) => f.name)]);
  if (host.dataset.key === key) return;
  host.dataset.key = key;
  host.replaceChildren(
    ...files.map((f, i) => {
      const b = h("button", {
        type: "button",
        role: "tab",
        class: "file-tab",
        "aria-selected": String(i === state.activeFile),
      });
      b.textContent = f.name;
      b.addEventListener("click", () => onOpen(i));
      return b;
    }),
  );
  if (hadFocus) (host.children[state.activeFile] as HTMLElement | undefined)?.focus();
}
