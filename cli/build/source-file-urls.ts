import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";

/**
 * Modules find prompts/ and pipelines/ relative to their own file. In one bundle every module would
 * share the bundle's URL, so each module's import.meta.url is replaced by its source file's URL.
 */
// Spelt in pieces: this file is bundled too, and the plugin would rewrite its own search string.
export const importMetaUrl = ["import", "meta", "url"].join(".");

export const sourceFileUrls: Plugin = {
  name: "source-file-urls",
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      return { contents: source.replaceAll(importMetaUrl, JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
    });
  },
};
