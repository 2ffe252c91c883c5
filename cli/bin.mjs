#!/usr/bin/env node
// The `asp` command. It runs the CLI built under out/build when that build was made from exactly
// these sources (a content hash, cli/build/source-hash.mjs), and builds it first when it is missing
// or stale: a stale build is never run (docs/decisions/1410-build-by-default.md).
// ASP_CLI_RUNNER=tsx runs the TypeScript sources through tsx instead, for development.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildLayout, currentBuild } from "./build/build-record.mjs";

const sourceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const runner = process.env.ASP_CLI_RUNNER?.trim() || "build";

if (runner === "tsx") {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("./main.ts");
  process.exitCode = await main(process.argv.slice(2));
} else if (runner !== "build") {
  process.stderr.write(`asp: ASP_CLI_RUNNER must be "build" or "tsx", got "${runner}"\n`);
  process.exitCode = 2;
} else {
  const layout = buildLayout(sourceRoot);
  let build = currentBuild(layout);
  if (!build) {
    // Only the builder needs TypeScript; the build it makes runs on bare node.
    try {
      const { register } = await import("tsx/esm/api");
      register();
      const { ensureBuild } = await import("./build/ensure-build.ts");
      build = await ensureBuild(layout);
    } catch (error) {
      process.stderr.write(`asp: the CLI could not be built, so it cannot run: ${error?.message ?? error}\n(ASP_CLI_RUNNER=tsx runs the sources without a build)\n`);
      process.exit(2);
    }
  }
  await import(pathToFileURL(build.cliBundle).href);
}
