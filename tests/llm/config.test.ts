import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/asp-error.ts";
import { modelFor, readModelConfig } from "../../llm/config.ts";

describe("readModelConfig", () => {
  it("fills defaults and freezes the result", () => {
    const config = readModelConfig({});
    expect(config).toMatchObject({ model: "claude-sonnet-5-5", streaming: true, maxAttempts: 4, agentModels: {}, agentEfforts: {}, thinkingTokens: 16_384 });
    expect(config.effort).toBeUndefined();
    expect(config.apiKey).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.maxTokens)).toBe(true);
  });

  it("reads every variable, per-agent models included", () => {
    const config = readModelConfig({
      ANTHROPIC_API_KEY: "sk-ant-x",
      ASP_LLM_BASE_URL: "http://127.0.0.1:9000",
      ASP_MODEL: "claude-haiku-4-5",
      ASP_MODEL_FILE_WRITER: "claude-opus-4-7",
      ASP_LLM_STREAMING: "false",
      ASP_LLM_MAX_ATTEMPTS: "2",
      ASP_LLM_TIMEOUT_MS: "5000",
      ASP_LLM_MAX_TOKENS_TEXT: "1000",
    });
    expect(config).toMatchObject({ apiKey: "sk-ant-x", baseUrl: "http://127.0.0.1:9000", streaming: false, maxAttempts: 2, timeoutMs: 5000 });
    expect(config.maxTokens.text).toBe(1000);
    expect(modelFor(config, "file-writer")).toBe("claude-opus-4-7");
    expect(modelFor(config, "FILE_WRITER")).toBe("claude-opus-4-7");
    expect(modelFor(config, "planning")).toBe("claude-haiku-4-5");
  });

  it("falls back to ANTHROPIC_BASE_URL", () => {
    expect(readModelConfig({ ANTHROPIC_BASE_URL: "http://localhost:1" }).baseUrl).toBe("http://localhost:1");
  });

  it("names every bad variable in one ConfigError", () => {
    let failure: unknown;
    try {
      readModelConfig({ ASP_LLM_MAX_ATTEMPTS: "zero", ASP_LLM_STREAMING: "maybe", ASP_LLM_BASE_URL: "not a url", ASP_MODEL_PLANNING: " " });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConfigError);
    const message = (failure as Error).message;
    for (const name of ["ASP_LLM_MAX_ATTEMPTS", "ASP_LLM_STREAMING", "ASP_LLM_BASE_URL", "ASP_MODEL_PLANNING"]) expect(message).toContain(name);
  });

  it("never echoes the API key in an error", () => {
    expect(() => readModelConfig({ ANTHROPIC_API_KEY: "sk-ant-secret", ASP_LLM_TIMEOUT_MS: "-1" })).toThrow(/ASP_LLM_TIMEOUT_MS/);
    try {
      readModelConfig({ ANTHROPIC_API_KEY: "sk-ant-secret", ASP_LLM_TIMEOUT_MS: "-1" });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("sk-ant-secret");
    }
  });
});
