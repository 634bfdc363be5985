// The light/dark theme: the system's unless the user picked one (stored, or `?theme=` in the URL).

const STORAGE_KEY = "spanlink-theme";
const dark = () => matchMedia("(prefers-color-scheme: dark)");

function currentTheme(): "light" | "dark" {
  const t = document.documentElement.dataset.theme;
  if (t === "light" || t === "dark") return t;
  return dark().matches ? "dark" : "light";
}

function storedTheme(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage may be unavailable (private mode, sandboxed frame)
  }
}

/** Applies the chosen theme and makes `button` toggle it. */
export function initTheme(button: HTMLButtonElement) {
  const apply = (t: string | null) => {
    if (t === "light" || t === "dark") document.documentElement.dataset.theme = t;
    else delete document.documentElement.dataset.theme;
    const cur = currentTheme();
    button.textContent = cur === "dark" ? "☀ Light" : "☾ Dark";
    button.setAttribute("aria-pressed", String(cur === "dark"));
  };
  apply(new URLSearchParams(location.search).get("theme") ?? storedTheme());
  button.addEventListener("click", () => {
    const next = currentTheme() === "dark" ? "light" : "dark";
    apply(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* the choice then lasts for this page only */
    }
  });
  dark().addEventListener("change", () => apply(document.documentElement.dataset.theme ?? null));
}
