import * as sdk from "@anthropic-ai/sdk";
import { APIConnectionError, APIError, InternalServerError, RateLimitError } from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { capabilitiesOf } from "../../llm/model-capabilities.ts";
import { backoffDelay, classifyFailure } from "../../llm/retry-policy.ts";

describe("capabilitiesOf", () => {
  it("allows prefill only before the 4.6 generation", () => {
    for (const model of ["claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "claude-haiku-4-5", "claude-opus-4-1", "claude-sonnet-4-20250514"]) {
      expect(capabilitiesOf(model).assistantPrefill, model).toBe(true);
    }
    for (const model of ["claude-sonnet-4-6", "claude-opus-4-7", "claude-opus-5", "claude-sonnet-5-5", "us.anthropic.claude-opus-4-6-v1"]) {
      expect(capabilitiesOf(model).assistantPrefill, model).toBe(false);
    }
  });

  it("drops forced tool choice for the models that reject it", () => {
    expect(capabilitiesOf("claude-sonnet-5-5").forcedToolChoice).toBe(false);
    expect(capabilitiesOf("claude-opus-5-5").forcedToolChoice).toBe(false);
    expect(capabilitiesOf("claude-sonnet-4-5").forcedToolChoice).toBe(true);
  });
});

describe("retry policy", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it("retries overload, rate limits, server and connection errors; not bad requests", () => {
    expect(classifyFailure(new APIError(529, { error: { type: "overloaded_error" } }, undefined, headers({})), sdk)).toMatchObject({ code: "overloaded", retryable: true });
    expect(classifyFailure(new RateLimitError(429, {}, undefined, headers({ "retry-after": "2" })), sdk)).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: 2000 });
    expect(classifyFailure(new InternalServerError(500, {}, undefined, headers({})), sdk)).toMatchObject({ code: "server_error", retryable: true });
    expect(classifyFailure(new APIConnectionError({ message: "socket hang up" }), sdk)).toMatchObject({ code: "connection_error", retryable: true });
    expect(classifyFailure(new APIError(400, {}, undefined, headers({})), sdk)).toMatchObject({ code: "bad_request", retryable: false });
    expect(classifyFailure(new APIError(undefined, { error: { type: "overloaded_error" } }, undefined, undefined, "overloaded_error"), sdk)).toMatchObject({ code: "overloaded", retryable: true });
    expect(classifyFailure(new Error("terminated"), sdk)).toMatchObject({ code: "stream_error", retryable: true });
    // Without the SDK (its import failed) nothing is one of its errors: a retryable stream error.
    expect(classifyFailure(new APIError(400, {}, undefined, headers({})), undefined)).toMatchObject({ code: "stream_error", retryable: true });
  });

  it("honours retry-after whatever its length and backs off exponentially, capped, without one", () => {
    const settings = { baseDelayMs: 100, maxDelayMs: 1000 };
    const plain = classifyFailure(new InternalServerError(500, {}, undefined, headers({})), sdk);
    expect([2, 3, 4, 5, 6].map((attempt) => backoffDelay(plain, attempt, settings))).toEqual([100, 200, 400, 800, 1000]);
    const hinted = classifyFailure(new RateLimitError(429, {}, undefined, headers({ "retry-after-ms": "300" })), sdk);
    expect(backoffDelay(hinted, 2, settings)).toBe(300);
    const slow = classifyFailure(new RateLimitError(429, {}, undefined, headers({ "retry-after": "60" })), sdk);
    // retry-after wins over the backoff cap (docs/configuration.md, decision 1082).
    expect(backoffDelay(slow, 2, settings)).toBe(60_000);
  });
});
