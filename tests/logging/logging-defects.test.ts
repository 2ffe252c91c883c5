import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { agentProcessLogger } from "../../bus/agent-logger.ts";
import { runAgentProcess } from "../../bus/agent-process.ts";
import { cliLogger } from "../../cli/run-command.ts";
import { renderScreen } from "../../cli/watch/render-screen.ts";
import { ConfigError } from "../../errors/index.ts";
import { readLogLevel } from "../../logging/log-level.ts";
import { terminalStyle } from "../../logging/terminal-style.ts";
import { createToyAgent } from "../fixtures/toy-agent/definition.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination };
}

const silentIo = { stdout: capture().destination, stderr: capture().destination } as unknown as Parameters<typeof cliLogger>[1];

describe("logging defects", () => {
  it("regression: ASP_LOG_LEVEL was parsed unchecked in the CLI, so a bad level gave no error naming the variable", () => {
    const failure = (() => {
      try {
        cliLogger({ ASP_LOG_LEVEL: "loud" }, silentIo);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain("ASP_LOG_LEVEL");
    expect((failure as Error).message).toContain("loud");
  });

  it("an agent process with a bad ASP_LOG_LEVEL stops with a ConfigError naming the variable", async () => {
    const failure = await runAgentProcess(createToyAgent(), {
      env: { ASP_LOG_LEVEL: "verbose", NATS_URL: "nats://127.0.0.1:9" },
      buildDeps: () => ({ defaultDelayMs: 0, defaultFail: "none" as const, pid: process.pid }),
      exitOnSignal: false,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain("ASP_LOG_LEVEL");
  });

  it("one parser: the default applies when the variable is unset or empty, a valid level is kept", () => {
    expect(readLogLevel({}, "warn")).toBe("warn");
    expect(readLogLevel({ ASP_LOG_LEVEL: "" }, "info")).toBe("info");
    expect(readLogLevel({ ASP_LOG_LEVEL: "debug" }, "info")).toBe("debug");
  });

  it("regression: the default logger of an agent process skipped the secret scrubbing of createLogger", () => {
    const key = `sk-ant-test-${Math.random().toString(36).slice(2)}`;
    const { lines, destination } = capture();
    const logger = agentProcessLogger("toy", { ANTHROPIC_API_KEY: key, NATS_PASS: "hunter2-pass" }, destination);
    logger.error({ err: new Error(`401 invalid key ${key}`) }, `the key ${key} and the password hunter2-pass leaked`);
    logger.info({ apiKey: key }, "config");
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(key);
      expect(line).not.toContain("hunter2-pass");
    }
    expect(JSON.parse(lines[0]!).agent).toBe("toy");
  });

  it("regression: terminal output ignored NO_COLOR", () => {
    expect(renderScreen([], 0, terminalStyle({ NO_COLOR: "1" }))).toBe("asp watch  waiting for events…\n");
    expect(renderScreen([], 0, terminalStyle({}))).toContain("\x1b[1m");
    expect(terminalStyle({ NO_COLOR: "1" }).red("failed")).toBe("failed");
    expect(terminalStyle({ NO_COLOR: "1" }).bold("run")).toBe("run");
    // no-color.org: only a non-empty value disables colour
    expect(terminalStyle({ NO_COLOR: "" }).red("failed")).toBe("\x1b[31mfailed\x1b[39m");
    expect(terminalStyle({}).green("ok")).toContain("\x1b[32m");
  });
});
