import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { startModelSimulator } from "../../simulator/index.ts";
import { clientFor, fileRequest, testApiKey, textOf } from "./simulator-client.ts";

const scenario = { name: "api", model: "claude-haiku-4-5", files: { "src/a.py": "x".repeat(400) } };

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { type: string; error: { type: string; message: string } } };
}

describe("API surface", () => {
  it("counts tokens at about four characters a token", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const client = clientFor(simulator);
    const short = await client.messages.countTokens({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "x".repeat(400) }] });
    expect(short).toEqual({ input_tokens: Math.ceil((400 + "user".length) / 4) });
    const longer = await client.messages.countTokens({
      model: "claude-sonnet-4-6",
      system: "s".repeat(800),
      messages: [{ role: "user", content: "x".repeat(400) }],
    });
    expect(longer.input_tokens).toBe(short.input_tokens + 200);
  });

  it("rejects requests without the key when one is required, with 401 authentication_error", async () => {
    await using simulator = await startModelSimulator({ scenario, requireApiKey: testApiKey });
    const wrong = new Anthropic({ apiKey: "sk-ant-wrong", baseURL: simulator.url, maxRetries: 0 });
    await expect(wrong.messages.create(fileRequest())).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const right = clientFor(simulator, { "x-asp-file": "src/a.py" });
    expect(textOf(await right.messages.create(fileRequest()))).toHaveLength(400);
    const entries = simulator.transcript();
    expect(entries[0]).toMatchObject({ status: 401, error: { type: "authentication_error" } });
  });

  it("validates required fields and JSON like the API", async () => {
    await using simulator = await startModelSimulator({ scenario: { name: "no-model", files: { "src/a.py": "a" } } });
    const url = `${simulator.url}/v1/messages`;
    const noMaxTokens = await post(url, JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }), { "x-asp-file": "src/a.py" });
    expect(noMaxTokens.status).toBe(400);
    expect(noMaxTokens.body).toEqual({ type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } });
    expect(noMaxTokens.headers.get("request-id")).toMatch(/^req_/);
    const noMessages = await post(url, JSON.stringify({ model: "m", max_tokens: 10 }));
    expect(noMessages.body.error.message).toBe("messages: Field required");
    const noModel = await post(url, JSON.stringify({ max_tokens: 10, messages: [{ role: "user", content: "hi" }] }), { "x-asp-file": "src/a.py" });
    expect(noModel.body.error.message).toBe("model: Field required");
    const badJson = await post(url, "{not json");
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.message).toMatch(/not valid JSON/);
    const badRound = await post(url, JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }), { "x-asp-file": "src/a.py", "x-asp-round": "0" });
    expect(badRound.body.error.message).toMatch(/x-asp-round must be a positive integer/);
    const unknown = await post(`${simulator.url}/v1/complete`, "{}");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.type).toBe("not_found_error");
  });

  it("echoes the scenario's model when the request names none", async () => {
    await using simulator = await startModelSimulator({ scenario });
    const response = await fetch(`${simulator.url}/v1/messages`, {
      method: "POST",
      headers: { "x-asp-file": "src/a.py" },
      body: JSON.stringify({ max_tokens: 200, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(await response.json()).toMatchObject({ model: "claude-haiku-4-5", stop_reason: "end_turn" });
  });

  it("spreads streamed deltas over time to first token plus tokens per second", async () => {
    await using simulator = await startModelSimulator({ scenario, latency: { timeToFirstTokenMs: 100, tokensPerSecond: 400 } });
    const client = clientFor(simulator, { "x-asp-file": "src/a.py" });
    const started = performance.now();
    const arrivals: number[] = [];
    const stream = client.messages.stream(fileRequest());
    stream.on("text", () => arrivals.push(performance.now() - started));
    const message = await stream.finalMessage();
    expect(textOf(message)).toHaveLength(400);
    // 100 output tokens at 400 a second: 250 ms of deltas after 100 ms to the first token.
    expect(arrivals[0]).toBeGreaterThanOrEqual(95);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(180);
    expect(performance.now() - started).toBeGreaterThanOrEqual(340);
    const whole = performance.now();
    await client.messages.create(fileRequest());
    expect(performance.now() - whole).toBeGreaterThanOrEqual(340);
  });

  it("closes while a slow stream is in flight", async () => {
    const simulator = await startModelSimulator({ scenario, latency: { timeToFirstTokenMs: 0, tokensPerSecond: 10 } });
    const client = clientFor(simulator, { "x-asp-file": "src/a.py" });
    const stream = client.messages.stream(fileRequest());
    const pending = stream.finalMessage().catch((error: unknown) => error);
    await new Promise((resolve) => stream.once("text", resolve));
    const closing = performance.now();
    await simulator.close();
    expect(performance.now() - closing).toBeLessThan(2000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it("records a caller that hangs up mid-stream as client_disconnected", async () => {
    await using simulator = await startModelSimulator({ scenario, latency: { timeToFirstTokenMs: 0, tokensPerSecond: 100 } });
    const stream = clientFor(simulator, { "x-asp-file": "src/a.py" }).messages.stream(fileRequest());
    stream.finalMessage().catch(() => undefined);
    await new Promise((resolve) => stream.once("text", resolve));
    stream.abort();
    const deadline = performance.now() + 3000;
    while (simulator.transcript().length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(simulator.transcript()[0]).toMatchObject({ status: 200, error: { type: "client_disconnected" } });
  });

  it("ends replies still waiting out their latency when the server closes", async () => {
    const simulator = await startModelSimulator({ scenario, latency: { timeToFirstTokenMs: 30_000 } });
    const pending = clientFor(simulator, { "x-asp-file": "src/a.py" }).messages.create(fileRequest()).catch((error: unknown) => error);
    while (simulator.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const closing = performance.now();
    await simulator.close();
    expect(await pending).toBeInstanceOf(Error);
    while (simulator.transcript().length === 0 && performance.now() - closing < 2000) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(performance.now() - closing).toBeLessThan(1000);
    expect(simulator.transcript()[0]).toMatchObject({ error: { type: "client_disconnected" } });
  });
});
