import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Agents talk only through the bus and share only contracts (schemas/) and generic helpers (agents/shared/),
 * so a folder can be read, replaced or deleted alone. This scans every import under agents/ to keep it so.
 */
const agentsDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../agents");
const sharedFolder = "shared";

const importPattern = /(?:^|\s)(?:import|export)\s[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm;

/** The folder under `root` a path is in, or undefined for files directly in it (the registry) and paths outside it. */
function agentFolderOf(root: string, file: string): string | undefined {
  const relative = path.relative(root, file);
  if (relative.startsWith("..")) return undefined;
  const segments = relative.split(path.sep);
  return segments.length > 1 ? segments[0] : undefined;
}

/** "code -> file-writer" for every import from one agent folder into another, or from shared into any agent folder. */
async function crossAgentImports(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile() && entry.name.endsWith(".ts")).map((entry) => path.join(entry.parentPath, entry.name));
  const crossings: string[] = [];
  for (const file of files) {
    const from = agentFolderOf(root, file);
    if (from === undefined) continue;
    const text = await readFile(file, "utf8");
    for (const match of text.matchAll(importPattern)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith(".")) continue;
      const target = agentFolderOf(root, path.resolve(path.dirname(file), specifier));
      if (target === undefined || target === from || target === sharedFolder) continue;
      crossings.push(`${path.relative(root, file)} -> ${target} (${specifier})`);
    }
  }
  return crossings.sort();
}

describe("agent folders", () => {
  it("no agent folder imports another agent's folder, and agents/shared imports none", async () => {
    expect(await crossAgentImports(agentsDirectory)).toEqual([]);
  });

  it("the scan reports a crossing when there is one (the check is not a no-op)", async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), "asp-agent-boundaries-"));
    try {
      await mkdir(path.join(scratch, "shared"));
      await mkdir(path.join(scratch, "code"));
      await writeFile(path.join(scratch, "shared", "helper.ts"), `import type { RunStore } from "../orchestrator/run-store.ts";\n`);
      await writeFile(path.join(scratch, "code", "agent.ts"), `import { fileResultCodec } from "../file-writer/agent.ts";\nimport { helper } from "../shared/helper.ts";\nimport { waves } from "./waves.ts";\n`);
      // The registry sits directly in agents/ and may import every folder.
      await writeFile(path.join(scratch, "registry.ts"), `import { codeRegistration } from "./code/registration.ts";\n`);
      expect(await crossAgentImports(scratch)).toEqual([
        `${path.join("code", "agent.ts")} -> file-writer (../file-writer/agent.ts)`,
        `${path.join("shared", "helper.ts")} -> orchestrator (../orchestrator/run-store.ts)`,
      ]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
