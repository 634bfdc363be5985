// The view in the URL hash, so that a link reproduces it.
// Short states stay readable (#sample=shop&span=…); edited settings or traces are deflated
// (CompressionStream) and base64url-encoded (#z=…).

export interface ViewState {
  sample: string;
  span?: string;
  settings?: string; // only when it differs from the sample's
  files?: { name: string; text: string }[]; // several settings files (then no `settings`)
  trace?: string; // only when it differs from the sample's
  grafana?: string; // only when it differs from the default
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

export async function encodeState(state: ViewState): Promise<string> {
  if (state.settings === undefined && state.files === undefined && state.trace === undefined) {
    const p = new URLSearchParams();
    p.set("sample", state.sample);
    if (state.span) p.set("span", state.span);
    if (state.grafana) p.set("grafana", state.grafana);
    return p.toString();
  }
  const json = new TextEncoder().encode(JSON.stringify(state));
  return "z=" + toBase64Url(await pipe(json, new CompressionStream("deflate")));
}

export async function decodeState(hash: string): Promise<ViewState | null> {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  try {
    const z = p.get("z");
    if (z) {
      const bytes = await pipe(fromBase64Url(z), new DecompressionStream("deflate"));
      const o = JSON.parse(new TextDecoder().decode(bytes)) as ViewState;
      return typeof o.sample === "string" ? o : null;
    }
  } catch {
    return null;
  }
  const sample = p.get("sample");
  if (!sample) return null;
  return { sample, span: p.get("span") ?? undefined, grafana: p.get("grafana") ?? undefined };
}
