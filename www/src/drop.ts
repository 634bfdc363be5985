// Files dropped anywhere on the page: provisioning YAML goes to the settings, anything else is a trace.
import { byFileName } from "./app-state";

export interface Dropped {
  /** The dropped .yaml/.yml files, in name order as Grafana reads a directory. */
  settings: File[];
  /** Otherwise the first file, read as a trace. */
  trace: File | null;
}

/** Shows `overlay` while files are dragged over the window and hands the dropped ones to `onDrop`. */
export function initDrop(overlay: HTMLElement, onDrop: (files: Dropped) => void) {
  let depth = 0;
  const hide = () => {
    depth = 0;
    overlay.hidden = true;
  };
  window.addEventListener("dragenter", (e) => {
    if (!e.dataTransfer?.types.includes("Files")) return;
    depth++;
    overlay.hidden = false;
  });
  window.addEventListener("dragleave", () => {
    if (--depth <= 0) hide();
  });
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => {
    e.preventDefault();
    hide();
    const files = [...(e.dataTransfer?.files ?? [])];
    if (!files.length) return;
    const yaml = files.filter((f) => /\.ya?ml$/i.test(f.name));
    yaml.sort(byFileName);
    onDrop(yaml.length ? { settings: yaml, trace: null } : { settings: [], trace: files[0] });
  });
}

/** The dropped files' names and texts. */
export function readFiles(files: File[]): Promise<{ name: string; text: string }[]> {
  return Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
}
