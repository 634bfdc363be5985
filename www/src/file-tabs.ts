// The settings' files as tabs above the settings editor: click to open, double-click to rename,
// × to close, + to add one. Several files are read together as a provisioning directory.
import type { AppState } from "./app-state";
import { h } from "./dom";

export interface FileTabActions {
  open(i: number): void;
  add(): void;
  close(i: number): void;
  rename(i: number, name: string): void;
}

export function renderFileTabs(host: HTMLElement, state: AppState, actions: FileTabActions) {
  const files = state.settingsFiles;
  // redrawn only when the files or the active one change; a focused tab strip keeps the focus
  const hadFocus = host.contains(document.activeElement);
  const key = JSON.stringify([state.activeFile, files.map((f) => f.name)]);
  if (host.dataset.key === key) return;
  host.dataset.key = key;
  const tabs = files.map((f, i) => {
    const active = i === state.activeFile;
    const tab = h("button", {
      type: "button",
      role: "tab",
      class: "file-tab",
      "aria-selected": String(active),
      title: "Double-click to rename",
    });
    tab.textContent = f.name;
    tab.addEventListener("click", () => actions.open(i));
    tab.addEventListener("dblclick", () => {
      const name = prompt("File name", f.name)?.trim();
      if (name && name !== f.name) actions.rename(i, name);
    });
    const close =
      active && files.length > 1
        ? h("button", { type: "button", class: "file-close", "aria-label": `Close ${f.name}` }, "×")
        : null;
    close?.addEventListener("click", () => actions.close(i));
    return h("span", { class: "file-tab-wrap" }, tab, close);
  });
  const add = h(
    "button",
    { type: "button", class: "file-add", title: "Add a provisioning file" },
    "+",
  );
  add.addEventListener("click", () => actions.add());
  host.replaceChildren(
    h("div", { role: "tablist", "aria-label": "Provisioning files" }, ...tabs),
    add,
  );
  if (hadFocus) host.querySelector<HTMLElement>('.file-tab[aria-selected="true"]')?.focus();
}
