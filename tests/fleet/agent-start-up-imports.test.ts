import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { snapshotBundleFileName, snapshotMetafileName } from "../../cli/build/build-agent-snapshot.ts";
import { metafileName } from "../../cli/build/build-bundles.ts";
import { ensureBuild } from "../../cli/build/ensure-build.ts";
import { lazyPackageGroups } from "../../cli/build/snapshot-plugins.ts";
import { everythingReachable, inputsOf, staticallyLoaded } from "../../cli/build/static-imports.ts";

let metafile: Metafile;
let snapshotMetafile: Metafile;
let agentMain: string;
let buildDirectory: string;

beforeAll(async () => {
  const build = await ensureBuild();
  buildDirectory = build.directory;
  metafile = JSON.parse(readFileSync(path.join(build.directory, metafileName), "utf8")) as Metafile;
  snapshotMetafile = JSON.parse(readFileSync(path.join(build.directory, snapshotMetafileName), "utf8")) as Metafile;
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

// The snapshot holds what its bundle evaluated, in every agent's memory (decision 1418).
describe("what the agents' snapshot holds", () => {
  const snapshotInputs = () => [...inputsOf(snapshotMetafile, Object.keys(snapshotMetafile.outputs))];
  const opentelemetrySdk = (input: string) => /^node_modules\/@opentelemetry\/(sdk-|resources|semantic-conventions|exporter-)/.test(input);

  it("holds neither the SDK's client, nor the YAML parser, nor OpenTelemetry's SDK", () => {
    expect(snapshotInputs().filter(anthropicClient)).toEqual([]);
    expect(snapshotInputs().filter(yamlParser)).toEqual([]);
    expect(snapshotInputs().filter(opentelemetrySdk)).toEqual([]);
    expect(snapshotInputs().some((input) => input.startsWith("node_modules/nats/"))).toBe(true);
  });

  it("is Latin-1 throughout, so that V8 holds its source, a megabyte, at one byte a character", () => {
    const source = readFileSync(path.join(buildDirectory, snapshotBundleFileName), "utf8");
    const beyondLatin1 = /[^\u0000-\u00ff]/.exec(source)?.index;
    expect(beyondLatin1 === undefined ? "" : source.slice(Math.max(0, beyondLatin1 - 60), beyondLatin1 + 20)).toBe("");
  });

  it("requires each of them, on first use, from a bundle of its own beside the snapshot", () => {
    const load = (file: string) => (createRequire(import.meta.url)(path.join(buildDirectory, file)) as { default: Record<string, Record<string, unknown>> }).default;
    expect(typeof load("lazy-anthropic-sdk.cjs")["@anthropic-ai/sdk"]!.default).toBe("function");
    expect(typeof load("lazy-yaml.cjs").yaml!.parse).toBe("function");
    const opentelemetry = load("lazy-opentelemetry.cjs");
    expect(Object.keys(opentelemetry).sort()).toEqual([...lazyPackageGroups.opentelemetry!].sort());
    expect(typeof opentelemetry["@opentelemetry/sdk-trace-node"]!.NodeTracerProvider).toBe("function");
  });
});
