import type { Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import { agentRuntimeFlags } from "../../cli/agent-runtime-settings.ts";
import { renderAgentLauncher } from "../../cli/build/agent-launcher.ts";

const output = (imports: Metafile["outputs"][string]["imports"]): Metafile["outputs"][string] => ({ bytes: 1, inputs: {}, imports, exports: [] });

const metafile: Metafile = {
  inputs: {},
  outputs: {
    "out/build/x/agent-main.mjs": output([
      { path: "out/build/x/chunk-shared.mjs", kind: "import-statement" },
      { path: "out/build/x/tracing.mjs", kind: "dynamic-import" },
      { path: "node:fs", kind: "import-statement", external: true },
      { path: "typescript", kind: "import-statement", external: true },
    ]),
    "out/build/x/chunk-shared.mjs": output([
      { path: "net", kind: "require-call", external: true },
      { path: "node:fs", kind: "import-statement", external: true },
    ]),
    // Reached only through import(): its built-ins load when tracing starts, not at start-up.
    "out/build/x/tracing.mjs": output([{ path: "node:http", kind: "import-statement", external: true }]),
  },
};

describe("the agent launcher", () => {
  const launcher = renderAgentLauncher(metafile, "out/build/x/agent-main.mjs", "agent-main.mjs");
  const lines = launcher.split("\n");

  it("imports each built-in the agent reaches without import(), once and by its node: name", () => {
    const builtIns = lines.filter((line) => /^import "node:/.test(line));
    expect(builtIns).toEqual(['import "node:fs";', 'import "node:net";']);
  });

  it("sets the V8 flags after the built-ins and before the agent's own code", () => {
    const lastBuiltIn = lines.map((line) => /^import "node:/.test(line)).lastIndexOf(true);
    const flags = lines.findIndex((line) => line.includes("setFlagsFromString(flag)"));
    const agent = lines.findIndex((line) => line === 'await import("./agent-main.mjs");');
    expect(lastBuiltIn).toBeGreaterThanOrEqual(0);
    expect(flags).toBeGreaterThan(lastBuiltIn);
    expect(agent).toBeGreaterThan(flags);
    for (const flag of agentRuntimeFlags) expect(lines[flags]).toContain(JSON.stringify(flag));
  });
});
