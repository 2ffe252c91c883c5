import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../logging/logger.ts";
import { createSecretScrubber } from "../../logging/secret-scrubber.ts";

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

describe("createLogger", () => {
  it("keeps the API key out of every line, wherever it hides", () => {
    const key = `sk-ant-test-${Math.random().toString(36).slice(2)}`;
    const { lines, destination } = capture();
    const logger = createLogger({ name: "t", destination, secrets: [key] });
    logger.info({ apiKey: key }, "config");
    logger.info({ client: { apiKey: key, headers: { "x-api-key": key } } }, "nested");
    logger.info({ request: { headers: { authorization: `Bearer ${key}` } } }, "auth");
    logger.info(`message with the key ${key} inline`);
    logger.error({ err: new Error(`401 invalid key ${key}`) }, "failed");
    logger.child({ key }).warn({ prompt: `quoted "${key}" in text` }, "child binding");
    logger.info({ env: { ANTHROPIC_API_KEY: key } }, "env");
    expect(lines).toHaveLength(7);
    for (const line of lines) {
      expect(line).not.toContain(key);
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(lines.join("")).toContain("[REDACTED]");
    expect(JSON.parse(lines[3]!).msg).toBe("message with the key [REDACTED] inline");
  });

  it("logs normally and at the chosen level", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: "agent", level: "warn", destination });
    logger.info("hidden");
    logger.warn({ runId: "r1" }, "shown");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ name: "agent", runId: "r1", msg: "shown" });
  });
});

describe("createSecretScrubber", () => {
  it("ignores empty and very short secrets instead of mangling every line", () => {
    const scrubber = createSecretScrubber(["", undefined, "abc"]);
    expect(scrubber.active).toBe(false);
    expect(scrubber.scrub("abc def")).toBe("abc def");
  });

  it("scrubs the JSON-escaped form of a secret too", () => {
    const secret = 'sk-"quoted"\\key';
    const scrubber = createSecretScrubber([secret]);
    expect(scrubber.scrub(JSON.stringify({ value: secret }))).toBe('{"value":"[REDACTED]"}');
  });
});
