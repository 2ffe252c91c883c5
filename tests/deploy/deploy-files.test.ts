import { execFile } from "node:child_process";
import { builtinModules } from "node:module";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { agentRegistry } from "../../agents/registry.ts";
import { createSubjects } from "../../bus/subjects.ts";
import { buildLayout } from "../../cli/build/build-record.mjs";
import { hashSources, sourceFolders, sourceRootFiles } from "../../cli/build/source-hash.mjs";
import { agentMallocSettings } from "../../cli/agent-runtime-settings.ts";
import { passwordVariable, renderPermissionsConfig } from "../../deploy/nats/permissions.ts";
import { checkNatsConfig, deployDirectory, natsConfigDirectory, repositoryRoot } from "./support/deploy-files.ts";

const run = promisify(execFile);
const agentNames = Object.keys(agentRegistry);
const subjects = createSubjects("asp");
const passwordEnv = Object.fromEntries(["admin", ...agentNames].map((user) => [passwordVariable(user), "test-password"]));

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "asp-deploy-files-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function filesUnder(directory: string, suffix: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith(suffix)).map((entry) => path.join(entry.parentPath, entry.name));
}

type Manifest = { kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };
async function kubernetesManifests(): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  for (const file of await filesUnder(path.join(deployDirectory, "k8s"), ".yaml")) {
    if (file.endsWith("kustomization.yaml")) continue;
    for (const document of parseAllDocuments(await readFile(file, "utf8"))) {
      expect(document.errors, file).toEqual([]);
      manifests.push(document.toJS() as Manifest);
    }
  }
  return manifests;
}

describe("deploy/nats configs", () => {
  it("every config passes `nats-server -t`", async () => {
    const configs = await filesUnder(natsConfigDirectory, ".conf");
    expect(configs.map((file) => path.relative(natsConfigDirectory, file)).sort()).toEqual(
      ["cluster/node-1.conf", "cluster/node-2.conf", "cluster/node-3.conf", "compose-node.conf", "permissions.conf", "secured.conf"].sort(),
    );
    for (const file of configs) {
      const result = await checkNatsConfig(file, { ...passwordEnv, SERVER_NAME: "nats-1" });
      expect(result, file).toMatchObject({ ok: true });
    }
  });

  it("a config with a password variable missing is refused (the check is not a no-op)", async () => {
    const result = await checkNatsConfig(path.join(natsConfigDirectory, "secured.conf"), {});
    expect(result.ok).toBe(false);
    expect(result.output).toContain(passwordVariable("admin"));
  });

  it("permissions.conf is what generate-permissions.ts renders, with a user for every agent", async () => {
    const checkedIn = await readFile(path.join(natsConfigDirectory, "permissions.conf"), "utf8");
    expect(checkedIn).toBe(renderPermissionsConfig("asp"));
    for (const agent of agentNames) expect(checkedIn).toContain(`user: "${agent}"`);
    expect(checkedIn).not.toMatch(/password: "/);
  });

  it("the three loopback nodes have distinct names and ports, and route to each other", async () => {
    const texts = await Promise.all([1, 2, 3].map((index) => readFile(path.join(natsConfigDirectory, "cluster", `node-${index}.conf`), "utf8")));
    const field = (text: string, pattern: RegExp) => text.match(pattern)?.[1];
    expect(new Set(texts.map((text) => field(text, /server_name: (\S+)/))).size).toBe(3);
    expect(new Set(texts.map((text) => field(text, /^listen: (\S+)/m))).size).toBe(3);
    const clusterPorts = texts.map((text) => field(text, /cluster \{[^}]*?listen: 127\.0\.0\.1:(\d+)/s));
    for (const text of texts) for (const port of clusterPorts) expect(text).toContain(`nats-route://127.0.0.1:${port}`);
  });
});

describe("deploy/compose.yaml", () => {
  const load = async () => parse(await readFile(path.join(deployDirectory, "compose.yaml"), "utf8"), { merge: true }) as { services: Record<string, any> };

  it("runs every agent of the registry as `agent <name>` with its own NATS user", async () => {
    const compose = await load();
    for (const agent of agentNames) {
      const service = compose.services[agent];
      expect(service, agent).toBeDefined();
      expect(service.command).toEqual(["agent", agent]);
      expect(service.environment.NATS_USER).toBe(agent);
      expect(service.environment.NATS_PASS).toMatch(new RegExp(`^\\$\\{${passwordVariable(agent)}:\\?`));
      expect(service.environment.NATS_URL).toContain("nats-1:4222");
    }
    expect(compose.services["file-writer"].deploy.replicas).toBeGreaterThan(1);
    expect(compose.services["file-writer"].container_name).toBeUndefined();
    for (const node of ["nats-1", "nats-2", "nats-3"]) expect(compose.services[node].environment.SERVER_NAME).toBe(node);
  });

  it("holds no secret: keys and passwords are ${...} references, all listed in .env.example", async () => {
    const text = await readFile(path.join(deployDirectory, "compose.yaml"), "utf8");
    const compose = await load();
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [variable, value] of Object.entries((service.environment ?? {}) as Record<string, string>)) {
        if (/KEY|PASS|TOKEN/.test(variable)) expect(String(value), `${name}.${variable}`).toMatch(/^\$\{[A-Z_]+(:[-?][^}]*)?\}$/);
      }
    }
    const example = await readFile(path.join(deployDirectory, ".env.example"), "utf8");
    const referenced = new Set([...text.matchAll(/\$\{([A-Z_]+)/g)].map((match) => match[1]!));
    for (const variable of referenced) expect(example, variable).toMatch(new RegExp(`^#? ?${variable}=`, "m"));
  });
});

describe("deploy/k8s", () => {
  it("has a Deployment per agent running `agent <name>` with its user and password key", async () => {
    const deployments = (await kubernetesManifests()).filter((manifest) => manifest.kind === "Deployment");
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual([...agentNames].sort());
    for (const deployment of deployments) {
      const container = deployment.spec.template.spec.containers[0];
      const env = Object.fromEntries((container.env as Array<{ name: string; value?: string; valueFrom?: any }>).map((entry) => [entry.name, entry]));
      expect(container.args).toEqual(["agent", deployment.metadata.name]);
      expect(env.NATS_USER?.value).toBe(deployment.metadata.name);
      expect(env.NATS_PASS?.valueFrom.secretKeyRef.key).toBe(passwordVariable(deployment.metadata.name));
    }
    expect(deployments.find((deployment) => deployment.metadata.name === "file-writer")!.spec.replicas).toBeGreaterThan(1);
  });

  it("scales the writers with KEDA on the file-writer consumer of the jobs stream", async () => {
    const scaled = (await kubernetesManifests()).find((manifest) => manifest.kind === "ScaledObject")!;
    expect(scaled.spec.scaleTargetRef.name).toBe("file-writer");
    const trigger = scaled.spec.triggers[0];
    expect(trigger.type).toBe("nats-jetstream");
    expect(trigger.metadata).toMatchObject({ stream: subjects.jobsStream, consumer: subjects.consumerName("file-writer") });
    const permissions = await readFile(path.join(natsConfigDirectory, "permissions.conf"), "utf8");
    expect(permissions).toMatch(new RegExp(`^  ${trigger.metadata.account} \\{`, "m"));
  });

  it("runs a 3-node JetStream StatefulSet whose ConfigMap config passes `nats-server -t`", async () => {
    const manifests = await kubernetesManifests();
    const statefulSet = manifests.find((manifest) => manifest.kind === "StatefulSet")!;
    expect(statefulSet.spec.replicas).toBe(3);
    const configMap = manifests.find((manifest) => manifest.kind === "ConfigMap" && manifest.metadata.name === "nats-config")!;
    expect(configMap.data!["permissions.conf"]).toBe(await readFile(path.join(natsConfigDirectory, "permissions.conf"), "utf8"));
    const directory = path.join(scratch, "configmap");
    await cp(natsConfigDirectory, directory, { recursive: true });
    for (const [name, text] of Object.entries(configMap.data!)) await writeFile(path.join(directory, name), text);
    for (let index = 0; index < 3; index += 1) expect(configMap.data!["nats.conf"]).toContain(`nats-${index}.nats-headless`);
    expect(await checkNatsConfig(path.join(directory, "nats.conf"), { ...passwordEnv, POD_NAME: "nats-0" })).toMatchObject({ ok: true });
  });

  it("kustomization lists files that exist, and `kubectl kustomize` builds it when kubectl is installed", async () => {
    const directory = path.join(deployDirectory, "k8s");
    const kustomization = parse(await readFile(path.join(directory, "kustomization.yaml"), "utf8")) as {
      resources: string[];
      secretGenerator: Array<{ envs: string[] }>;
    };
    for (const resource of kustomization.resources) expect(existsSync(path.join(directory, resource)), resource).toBe(true);
    const copy = path.join(scratch, "k8s");
    await cp(directory, copy, { recursive: true });
    for (const file of kustomization.secretGenerator.flatMap((generator) => generator.envs)) {
      const example = await readFile(path.join(directory, `${file}.example`), "utf8");
      await writeFile(path.join(copy, file), example.replace(/=$/gm, "=placeholder"));
    }
    const kubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);
    if (!kubectl) return;
    const { stdout } = await run("kubectl", ["kustomize", copy], { timeout: 30_000 });
    const kinds = parseAllDocuments(stdout).map((document) => (document.toJS() as Manifest).kind);
    expect(kinds.filter((kind) => kind === "Deployment")).toHaveLength(agentNames.length);
    expect(kinds).toEqual(expect.arrayContaining(["StatefulSet", "ScaledObject", "Job", "Secret", "Namespace"]));
  });
});

describe("deploy/Dockerfile", () => {
  it("copies every folder the runtime imports, and the runtime needs no dev dependency", async () => {
    const dockerfile = await readFile(path.join(deployDirectory, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim/m);
    // The image runs agents as the fleet does, so a container's memory matches the benchmark's: no V8
    // flag on node's command line (the agent sets its own) and the fleet's malloc settings.
    expect(dockerfile).toContain(`ENTRYPOINT ["/usr/bin/tini", "--", "node", "out/build/current/cli.mjs"]`);
    for (const [variable, value] of Object.entries(agentMallocSettings)) expect(dockerfile).toMatch(new RegExp(`^\\s+${variable}=${value}( \\\\)?$`, "m"));
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    for (const tool of ["python3", "util-linux", "iproute2"]) expect(dockerfile).toContain(tool);
    const copied = [...dockerfile.matchAll(/^COPY (\S+) /gm)].map((match) => match[1]!).filter((source) => !source.startsWith("package") && !source.endsWith(".json"));
    const packageJson = JSON.parse(await readFile(path.join(repositoryRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const allowed = new Set([...Object.keys(packageJson.dependencies), ...builtinModules]);
    for (const source of copied) {
      const files = source.endsWith(".ts") ? [path.join(repositoryRoot, source)] : await filesUnder(path.join(repositoryRoot, source), ".ts");
      for (const file of files) {
        const text = await readFile(file, "utf8");
        for (const [, specifier] of text.matchAll(/^(?:import|export)[^"']*from ["']([^"']+)["']/gm)) {
          if (specifier!.startsWith(".")) {
            const target = path.relative(repositoryRoot, path.resolve(path.dirname(file), specifier!));
            expect(copied.some((entry) => target === entry || target.startsWith(`${entry}/`)), `${path.relative(repositoryRoot, file)} imports ${target}`).toBe(true);
          } else if (!specifier!.startsWith("node:")) {
            const name = specifier!.startsWith("@") ? specifier!.split("/").slice(0, 2).join("/") : specifier!.split("/")[0]!;
            expect(allowed.has(name), `${path.relative(repositoryRoot, file)} imports ${name}`).toBe(true);
          }
        }
      }
    }
  });

  it("builds the bundles in the image after copying every input of the build's hash, and runs the build", async () => {
    const dockerfile = await readFile(path.join(deployDirectory, "Dockerfile"), "utf8");
    const lines = dockerfile.split("\n");
    const buildStep = lines.findIndex((line) => line.startsWith("RUN ") && line.includes("cli/build/build-command.ts"));
    expect(buildStep, "a RUN step that builds out/build").toBeGreaterThan(0);
    const copiedBefore = new Set(lines.slice(0, buildStep).flatMap((line) => (line.startsWith("COPY ") ? line.split(/\s+/).slice(1, -1) : [])));
    for (const input of [...sourceFolders, ...sourceRootFiles]) expect(copiedBefore.has(input), `${input} is copied before the build`).toBe(true);
    const entrypoint = JSON.parse(dockerfile.match(/^ENTRYPOINT (\[.*\])$/m)![1]!) as string[];
    expect(entrypoint.at(-1)).toBe(path.relative("/app", path.join(buildLayout("/app").currentLink, "cli.mjs")));
    expect(entrypoint).not.toContain("tsx");
  });

  it("the image's build step and entrypoint work on exactly the files the Dockerfile copies", async () => {
    const dockerfile = await readFile(path.join(deployDirectory, "Dockerfile"), "utf8");
    // Under out/ so that node finds the repository's node_modules above the copy, as it finds /app/node_modules.
    const image = path.join(repositoryRoot, "out", "test-sources", `image-${process.pid}`);
    await rm(image, { recursive: true, force: true });
    try {
      for (const [, source, target] of dockerfile.matchAll(/^COPY (\S+(?: \S+)*) (\S+)$/gm)) {
        for (const entry of source!.split(" ")) {
          const destination = target!.endsWith("/") ? path.join(image, target!, path.basename(entry)) : path.join(image, target!);
          await cp(path.join(repositoryRoot, entry), destination, { recursive: true });
        }
      }
      const buildCommand = dockerfile.match(/^RUN (node [^\n]*cli\/build\/build-command\.ts)$/m)![1]!.split(" ");
      await run(buildCommand[0] === "node" ? process.execPath : buildCommand[0]!, buildCommand.slice(1), { cwd: image, timeout: 60_000 });
      const entrypoint = JSON.parse(dockerfile.match(/^ENTRYPOINT (\[.*\])$/m)![1]!) as string[];
      const node = entrypoint.indexOf("node");
      const { stdout } = await run(process.execPath, [...entrypoint.slice(node + 1), "agent"], { cwd: image, timeout: 30_000 }).catch((error: { stdout: string; stderr: string }) => ({ stdout: error.stdout + error.stderr }));
      expect(stdout).toContain("usage: asp agent <name>");
      expect(await readFile(path.join(image, "out", "build", "current", "build.json"), "utf8")).toContain(hashSources(image));
    } finally {
      await rm(image, { recursive: true, force: true });
    }
  }, 90_000);
});
