import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonInstaller } from "../../agents/tester/install/installers.ts";
import type { PhaseEnvironment } from "../../agents/tester/runners/types.ts";
import { fakeInstallSandbox } from "./support/fake-install-sandbox.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "asp-install-deadline-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const environment = (): PhaseEnvironment => ({ python: "python3", nodeModulesInstalled: false, tools: {} });

const files = [
  { path: "requirements.txt", content: "idna==3.10\n" },
  { path: "requirements-dev.txt", content: "pytest>=8\n" },
  { path: "test_hosts.py", content: "import pytest\n\n\ndef test_nothing():\n    pass\n" },
];

describe("the install phase's time limit bounds all its commands together", () => {
  it("gives each command only what is left, stops at the limit, and says so", async () => {
    // venv, then download and install per requirements file: five commands of 1000 ms each against 2500 ms.
    const sandbox = fakeInstallSandbox(1000);
    const steps = await pythonInstaller.install(sandbox.context(files, root, 2500), environment());

    expect(sandbox.clock.now()).toBeLessThanOrEqual(2500);
    expect(sandbox.ran.map((entry) => entry.timeoutMs)).toEqual([2500, 1500, 500]);
    expect(steps.map((step) => [step.tool, step.dependencyFile, step.ok])).toEqual([
      ["venv", "(virtual environment)", true],
      ["pip", "requirements-dev.txt", false],
      ["pip", "requirements.txt", false],
    ]);
    expect(steps[1]!.message).toBe("the install did not finish within 2500 ms and was killed");
    // The second requirements file found no time left: nothing of it ran.
    expect(steps[2]!.message).toBe("the install did not finish within 2500 ms: no time was left to start this command");
    expect(sandbox.ran).toHaveLength(3);
    // Each failed step names the command it stopped at: the install killed, the download that never started.
    expect(steps[1]!.command).toMatch(/ pip install .* -r requirements-dev\.txt$/);
    expect(steps[2]!.command).toMatch(/ pip download .* -r requirements\.txt$/);
  });

  it("runs every command when the limit leaves room, each still bounded by what is left", async () => {
    const sandbox = fakeInstallSandbox(1000);
    const steps = await pythonInstaller.install(sandbox.context(files, root, 10_000), environment());
    expect(steps.every((step) => step.ok)).toBe(true);
    expect(sandbox.ran.map((entry) => entry.timeoutMs)).toEqual([10_000, 9000, 8000, 7000, 6000]);
    // The pip step's duration is that of both its commands, download and install.
    expect(steps.slice(1).map((step) => step.durationMs)).toEqual([2000, 2000]);
  });
});
