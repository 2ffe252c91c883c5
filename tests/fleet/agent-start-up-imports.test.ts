import { readFileSync } from "node:fs";
import path from "node:path";
import type { Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { metafileName } from "../../cli/build/build-bundles.ts";
import { ensureBuild } from "../../cli/build/ensure-build.ts";
import { everythingReachable, inputsOf, staticallyLoaded } from "../../cli/build/static-imports.ts";

let metafile: Metafile;
let agentMain: string;

beforeAll(async () => {
  const build = await ensureBuild();
  metafile = JSON.parse(readFileSync(path.join(build.directory, metafileName), "utf8")) as Metafile;
  agentMain = Object.keys(metafile.outputs).find((output) => path.basename(output) === "agent-main.mjs")!;
}, 90_000);

const anthropicClient = (input: string) => input.startsWith("node_modules/@anthropic-ai/sdk/") && /\/client\.m?js$/.test(input);
const yamlParser = (input: string) => input.startsWith("node_modules/yaml/");

// An agent reports ready before its first model call; what it loads before then is its start-up CPU (decision 1414).
describe("what an agent process of the build loads before it is ready", () => {
  it("does not load the Anthropic SDK's client or the YAML parser up front", () => {
    const upFront = inputsOf(metafile, staticallyLoaded(metafile, agentMain).outputs);
    expect([...upFront].filter(anthropicClient)).toEqual([]);
    expect([...upFront].filter(yamlParser)).toEqual([]);
    // zod's locales but English are left out of the build altogether (decision 1416).
    const zodLocales = [...inputsOf(metafile, Object.keys(metafile.outputs))].filter((input) => input.startsWith("node_modules/zod/v4/locales/"));
    expect(zodLocales.map((input) => path.basename(input))).toEqual(["en.js"]);
    // Loaded up front all the same: the bus client, without which nothing is ready.
    expect([...upFront].some((input) => input.startsWith("node_modules/nats/"))).toBe(true);
  });

  it("still reaches both through import(), when the first model call or pipeline needs them", () => {
    const reachable = inputsOf(metafile, everythingReachable(metafile, agentMain));
    expect([...reachable].filter(anthropicClient).length).toBeGreaterThan(0);
    expect([...reachable].filter(yamlParser).length).toBeGreaterThan(0);
  });
});
