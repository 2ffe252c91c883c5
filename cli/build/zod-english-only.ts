import path from "node:path";
import type { Plugin } from "esbuild";

/**
 * zod re-exports every locale from its classic API and its core (`z.locales`, 64 files, about 290 KB of the bundle, a
 * fifth of what an agent parses at start-up). Nothing here uses any but English, which zod sets as
 * its default from locales/en.js directly, so the build gives `z.locales` English only (decision 1416).
 */
export const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic|core|mini)$/.test(args.resolveDir)) return undefined;
      return { path: path.join(args.resolveDir, "..", "locales", "index.js"), namespace: "zod-english-only" };
    });
    builder.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: path.dirname(args.path),
      loader: "js",
    }));
  },
};
