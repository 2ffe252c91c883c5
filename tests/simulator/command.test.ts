import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { simCommand } from "../../simulator/index.ts";
import { clientFor, fileRequest, textOf } from "./simulator-client.ts";

function capture() {
  const output = { stdout: "", stderr: "" };
  const io = {
    stdout: { write: (text: string) => (output.stdout += text) },
    stderr: { write: (text: string) => (output.stderr += text) },
  };
  return { output, io };
}

async function waitFor(predicate: () => boolean): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("simCommand", () => {
  it("serves a scenario file until SIGTERM", async () => {
    const { output, io } = capture();
    const signals = new EventEmitter();
    const scenario = new URL("./fixtures/tiny-scenario.yaml", import.meta.url).pathname;
    const exit = simCommand(["--scenario", scenario, "--port", "0", "--seed", "3"], io, signals);
    await waitFor(() => output.stdout.includes("listening on"));
    const url = /model simulator listening on (http:\/\/\S+)/.exec(output.stdout)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const simulator = { url: url! } as Parameters<typeof clientFor>[0];
    expect(textOf(await clientFor(simulator, { "x-asp-file": "hello.txt" }).messages.create(fileRequest()))).toBe("hello\n");
    signals.emit("SIGTERM");
    expect(await exit).toBe(0);
    expect(output.stdout).toMatch(/stopped \(SIGTERM\) after 1 requests/);
    expect(signals.listenerCount("SIGTERM")).toBe(0);
  });

  it.each([
    [[], /--scenario is required/],
    [["--scenario", "x.yaml", "--port", "abc"], /--port must be an integer/],
    [["--scenario", "x.yaml", "--port", "70000"], /--port must be between/],
    [["--scenario", "x.yaml", "--usage-window-ms", "0"], /--usage-window-ms must be at least 1/],
    [["--bogus"], /Unknown option/],
  ])("exits 2 with a message for bad arguments %j", async (argv, pattern) => {
    const { output, io } = capture();
    expect(await simCommand(argv, io, new EventEmitter())).toBe(2);
    expect(output.stderr).toMatch(pattern);
  });

  it("exits 1 when the scenario cannot be loaded", async () => {
    const { output, io } = capture();
    expect(await simCommand(["--scenario", "/nonexistent/scenario.yaml"], io, new EventEmitter())).toBe(1);
    expect(output.stderr).toMatch(/cannot read scenario file/);
  });
});
