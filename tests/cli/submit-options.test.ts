import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { submitCommand } from "../../cli/submit-command.ts";
import type { CommandIo } from "../../cli/command-io.ts";

function bufferedIo(): CommandIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text) }, out: () => out, err: () => err };
}

describe("asp submit options", () => {
  it("regression: asp submit --scenario FILE was accepted but did not change the fleet's model server", async () => {
    const io = bufferedIo();
    // No NATS_URL and no fleet: the refusal comes before any attempt to reach one.
    const code = await submitCommand(["--scenario", "examples/hello-python/scenario.yaml"], io, { ASP_DATA_DIR: "/nonexistent-asp-data" });
    expect(code).toBe(2);
    expect(io.err()).toContain("asp submit: --scenario cannot change the model server of a running fleet");
    expect(io.err()).toContain("asp up --scenario FILE");
    expect(io.err()).not.toContain("no fleet to submit to");
  });

  it("regression: --pipeline was 'NAME' in asp submit --help but 'also takes a path' in docs/configuration.md", async () => {
    const io = bufferedIo();
    expect(await submitCommand(["--help"], io, {})).toBe(0);
    expect(io.out()).toContain("--pipeline NAME|PATH");
    expect(io.out()).not.toContain("[--scenario FILE]");
    const configuration = await readFile("docs/configuration.md", "utf8");
    expect(configuration).toContain("take `--pipeline` as a name here or as a path");
  });
});
