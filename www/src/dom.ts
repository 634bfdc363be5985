// The two DOM helpers every component uses.

/** The element with this id (the page's static skeleton is in index.html). */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** An element with attributes (`class` sets className) and children; null children are skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...kids: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") el.className = v;
    else el.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null) el.append(k);
  return el;
}
