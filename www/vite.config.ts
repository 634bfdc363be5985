import { defineConfig } from "vite";

export default defineConfig({
  // relative asset paths: the built demo works from any folder (GitHub Pages, a test server)
  base: "./",
  build: {
    target: "es2022",
    sourcemap: true,
    // the editor (CodeMirror and its parsers) in a chunk of its own, cached apart from the app
    rollupOptions: {
      output: {
        manualChunks: (id) =>
          /node_modules\/(@codemirror|@lezer|codemirror)\//.test(id) ? "editor" : undefined,
      },
    },
  },
  // the links worker imports spanlink/web (ES module + wasm asset)
  worker: { format: "es" },
  // the dev server serves the package from ../npm (a `file:` dependency, outside www/)
  server: { fs: { allow: [".."] } },
});
