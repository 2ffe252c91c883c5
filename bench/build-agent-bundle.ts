/**
 * Builds the agent process as one plain JavaScript file (out/agent-bundle/agent.mjs), so an agent
 * can run on bare `node` instead of `node --import tsx`. tsx compiles every module at start-up in a
 * second loader thread with its own V8 heap; that costs about 50–60 MB of resident memory per
 * agent process (docs/decisions/0901-agents-can-run-from-a-build.md).
 *
 *   npx tsx bench/build-agent-bundle.ts        (cli/fleet.ts uses it when ASP_AGENT_RUNNER=build)
 */
import path from "node:path";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { agentBundlePath, repositoryRoot } from "../cli/fleet.ts";
import { isMain } from "./support/is-main.ts";

/**
 * Modules find prompts/ and pipelines/ relative to their own file. In one bundle every module would
 * share the bundle's URL, so each module's import.meta.url is replaced by its source file's URL.
 */
const sourceFileUrls: Plugin = {
  name: "source-file-urls",
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
    });
  },
};

const entry = `
import { agentCommand } from "./cli/agent-command.ts";
import { processIo } from "./cli/command-io.ts";
process.exitCode = await agentCommand(process.argv.slice(2), processIo, process.env);
`;

export async function buildAgentBundle(): Promise<string> {
  await build({
    stdin: { contents: entry, resolveDir: repositoryRoot, sourcefile: "agent-entry.ts", loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // node_modules stay as they are: node loads them natively, and one copy is shared with the rest.
    packages: "external",
    outfile: agentBundlePath,
    plugins: [sourceFileUrls],
    logLevel: "warning",
    sourcemap: false,
  });
  return agentBundlePath;
}

if (isMain(import.meta.url)) {
  console.log(`built ${path.relative(repositoryRoot, await buildAgentBundle())}`);
}
