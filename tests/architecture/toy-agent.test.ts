import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

/**
 * Done-when of issue 13: a new built-in agent is one folder plus one registration. This copies the repository
 * to a scratch folder, adds a toy agent there as agents/toy/ and its line in agents/registry.ts, runs the
 * generators, and checks that the toy's permissions, deploy entries and docs appear while git sees no other
 * hand-written file change. A generator that kept its own list of agents would leave the toy out and fail here.
 */
const run = promisify(execFile);
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const toyAgent = `import { z } from "zod";
import { defineAgent } from "../../bus/define-agent.ts";

export const toyAgent = defineAgent({
  name: "toy",
  version: "1.0.0",
  description: "A toy agent that echoes its word",
  input: z.object({ word: z.string() }),
  output: z.object({ echo: z.string() }),
  async handle(input) {
    return { echo: input.word };
  },
});
`;

const toyRegistration = `import { defineRegistration } from "../../bus/define-registration.ts";
import { toyAgent } from "./agent.ts";

export const toyRegistration = defineRegistration({
  definition: toyAgent,
  buildDeps: () => ({}),
  calls: ["planning"],
  callsModel: false,
  deploy: { replicas: 2 },
});
`;

/** The files the generators write; everything else a person edits. */
const generatedFiles = [
  "deploy/nats/permissions.conf",
  "deploy/k8s/nats-config.yaml",
  "deploy/compose.yaml",
  "deploy/.env.example",
  "deploy/k8s/agents.yaml",
  "deploy/k8s/nats.yaml",
  "deploy/k8s/nats-passwords.env.example",
  "docs/agents.md",
];

let copy: string;
const git = (...args: string[]) => run("git", ["-c", "user.name=toy", "-c", "user.email=toy@example.invalid", ...args], { cwd: copy });
const read = (file: string) => readFile(path.join(copy, file), "utf8");

beforeAll(async () => {
  copy = await mkdtemp(path.join(tmpdir(), "asp-toy-agent-"));
  // The working tree as it is (committed or not), without node_modules, which the copy borrows read-only.
  const { stdout } = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: repositoryRoot, maxBuffer: 16 * 1024 * 1024 });
  for (const file of stdout.split("\0").filter((name) => name !== "" && existsSync(path.join(repositoryRoot, name)))) {
    await mkdir(path.dirname(path.join(copy, file)), { recursive: true });
    await copyFile(path.join(repositoryRoot, file), path.join(copy, file));
  }
  await symlink(path.join(repositoryRoot, "node_modules"), path.join(copy, "node_modules"), "dir");
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-q", "-m", "before the toy agent");

  await mkdir(path.join(copy, "agents", "toy"));
  await writeFile(path.join(copy, "agents", "toy", "agent.ts"), toyAgent);
  await writeFile(path.join(copy, "agents", "toy", "registration.ts"), toyRegistration);
  const registry = await read("agents/registry.ts");
  const withToy = registry
    .replace(/^(import .*\n)(?!import)/m, `$1import { toyRegistration } from "./toy/registration.ts";\n`)
    .replace(/^(\s+)postmortemRegistration,\n/m, `$1postmortemRegistration,\n$1toyRegistration,\n`);
  expect(withToy.match(/toyRegistration/g)).toHaveLength(2);
  await writeFile(path.join(copy, "agents", "registry.ts"), withToy);

  for (const generator of ["deploy/generate-deploy-files.ts", "docs/generate-agents.ts"]) {
    await run(process.execPath, ["--import", "tsx", generator], { cwd: copy, timeout: 60_000 });
  }
}, 120_000);

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe("a toy built-in agent added as one folder plus one registration", () => {
  it("changes no hand-written file but its folder and its line in the registry", async () => {
    const { stdout } = await git("status", "--porcelain", "--untracked-files=all");
    const changed = stdout.split("\n").filter(Boolean).map((line) => line.slice(3)).sort();
    const handWritten = changed.filter((file) => !generatedFiles.includes(file));
    expect(handWritten).toEqual(["agents/registry.ts", "agents/toy/agent.ts", "agents/toy/registration.ts"]);
    const { stdout: registryDiff } = await git("diff", "--numstat", "agents/registry.ts");
    // An import and the list entry.
    expect(registryDiff.trim()).toBe("2\t0\tagents/registry.ts");
    // Every generated file that lists agents now lists the toy too.
    expect(changed.filter((file) => generatedFiles.includes(file)).sort()).toEqual([...generatedFiles].sort());
  });

  it("gets its own NATS user, allowed to submit jobs to the agent it calls and no other", async () => {
    const permissions = await read("deploy/nats/permissions.conf");
    const toyUser = permissions.slice(permissions.indexOf(`user: "toy"`));
    expect(toyUser).toContain("password: $ASP_NATS_PASSWORD_TOY");
    const toyBlock = toyUser.slice(0, toyUser.indexOf("allow_responses"));
    expect(toyBlock).toContain(`"asp.jobs.planning"`);
    expect(toyBlock).not.toContain(`"asp.jobs.code"`);
    expect(await read("deploy/k8s/nats-config.yaml")).toContain(`user: "toy"`);
  });

  it("gets a compose service and a Kubernetes Deployment, with its password everywhere the servers read them", async () => {
    const compose = parse(await read("deploy/compose.yaml"), { merge: true }) as { services: Record<string, any>; "x-nats-passwords": Record<string, string> };
    expect(compose.services.toy).toMatchObject({ command: ["agent", "toy"], deploy: { replicas: 2 }, environment: { NATS_USER: "toy" } });
    expect(compose["x-nats-passwords"].ASP_NATS_PASSWORD_TOY).toMatch(/^\$\{ASP_NATS_PASSWORD_TOY:\?/);
    const deployments = parseAllDocuments(await read("deploy/k8s/agents.yaml")).map((document) => document.toJS() as { kind: string; metadata: { name: string }; spec: any });
    const toy = deployments.find((deployment) => deployment.metadata.name === "toy");
    expect(toy).toMatchObject({ kind: "Deployment", spec: { replicas: 2 } });
    expect(toy!.spec.template.spec.containers[0].args).toEqual(["agent", "toy"]);
    expect(await read("deploy/k8s/nats.yaml")).toContain("key: ASP_NATS_PASSWORD_TOY");
    expect(await read("deploy/.env.example")).toMatch(/^ASP_NATS_PASSWORD_TOY=$/m);
    expect(await read("deploy/k8s/nats-passwords.env.example")).toMatch(/^ASP_NATS_PASSWORD_TOY=$/m);
  });

  it("appears in docs/agents.md with its description and the agent it calls", async () => {
    expect(await read("docs/agents.md")).toContain("| `toy` | A toy agent that echoes its word | `planning` | no | none | 2 replicas |");
  });

  it("is a stage agent a pipeline may name, and `asp agent toy` knows it", async () => {
    const script = `
      const { agentRegistry, fleetAgents } = await import("./agents/registry.ts");
      const { loadPipeline } = await import("./agents/orchestrator/pipeline-loader.ts");
      const { writeFileSync } = await import("node:fs");
      writeFileSync("toy-pipeline.yaml", "name: toy\\nstages:\\n  - { id: toy, agent: toy, output: toy }\\n");
      const pipeline = await loadPipeline("toy-pipeline.yaml", undefined, { registeredAgents: Object.keys(agentRegistry) });
      console.log(JSON.stringify({ registered: "toy" in agentRegistry, inFleet: fleetAgents.includes("toy"), stage: pipeline.stages[0].agent }));
    `;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: copy, timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({ registered: true, inFleet: true, stage: "toy" });
  });
});
