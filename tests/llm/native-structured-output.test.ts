import { describe, expect, it } from "vitest";
import { z } from "zod";
import { capabilitiesOf } from "../../llm/model-capabilities.ts";
import { startRecordedClient } from "./support/recorded-client.ts";
import { block } from "./support/recording-server.ts";

const manifestSchema = z.object({
  files: z.array(z.object({ path: z.string().min(1), lines: z.number().int().positive() })).min(2),
  language: z.enum(["python", "typescript"]),
});
const ask = { agent: "code", schema: manifestSchema, toolName: "submit_manifest", system: "List the files.", prompt: "Plan the files." };
const valid = { files: [{ path: "a.py", lines: 10 }, { path: "b.py", lines: 4 }], language: "python" };

describe("the native structured-output format, for models that refuse forced tool choice", () => {
  for (const model of ["claude-fable-5-2", "claude-mythos-5-2"]) {
    it(`asks ${model} for JSON in output_config.format and validates the reply text with zod`, async () => {
      expect(capabilitiesOf(model)).toMatchObject({ forcedToolChoice: false, nativeStructuredOutput: true });
      await using recorded = await startRecordedClient(
        [{ content: [block.thinking("t", "sig"), block.text(JSON.stringify(valid))], stop_reason: "end_turn" }],
        { ASP_MODEL: model },
      );
      const result = await recorded.client.structured(ask);
      expect(result.value).toEqual(valid);
      const body = recorded.server.requests[0]!.body;
      expect(body).not.toHaveProperty("tools");
      expect(body).not.toHaveProperty("tool_choice");
      const format = (body["output_config"] as { format: { type: string; schema: Record<string, any> } }).format;
      expect(format.type).toBe("json_schema");
      // Strict the way the SDK makes it: objects closed, and a constraint the API does not enforce
      // (minItems above 1) moved into the description, while zod still checks it.
      expect(format.schema).toMatchObject({ type: "object", additionalProperties: false, required: ["files", "language"] });
      expect(format.schema["properties"].files).not.toHaveProperty("minItems");
      expect(format.schema["properties"].files.description).toContain("minItems: 2");
      expect(format.schema["properties"].files.items).toMatchObject({ additionalProperties: false });
      expect(format.schema["properties"].language).toEqual({ enum: ["python", "typescript"] });
    });
  }

  it("re-asks when the JSON breaks a rule the format cannot express, and a validate hook's problems too", async () => {
    await using recorded = await startRecordedClient(
      [
        { content: [block.text(JSON.stringify({ files: [{ path: "a.py", lines: 10 }], language: "python" }))], stop_reason: "end_turn" },
        { content: [block.text(JSON.stringify({ files: [{ path: "a.py", lines: 1 }, { path: "a.py", lines: 2 }], language: "python" }))], stop_reason: "end_turn" },
        { content: [block.text(JSON.stringify(valid))], stop_reason: "end_turn" },
      ],
      { ASP_MODEL: "claude-fable-5-2", ASP_LLM_STREAMING: "false" },
    );
    const unique = (value: z.infer<typeof manifestSchema>) =>
      new Set(value.files.map((file) => file.path)).size === value.files.length ? [] : ["every path must be listed once"];
    const result = await recorded.client.structured({ ...ask, validate: unique });
    expect(result.value).toEqual(valid);
    const [, second, third] = recorded.server.requests;
    expect(second!.body.messages.at(-1)!.content).toContain("files: Too small");
    expect(third!.body.messages.at(-1)!.content).toContain("every path must be listed once");
    expect(third!.body.messages.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
  });

  it("fails with structured_output_invalid when the reply is never valid JSON", async () => {
    const prose = { content: [block.text("I cannot produce that.")], stop_reason: "end_turn" as const };
    await using recorded = await startRecordedClient([prose, prose], { ASP_MODEL: "claude-fable-5-2", ASP_LLM_STREAMING: "false" });
    const failure = await recorded.client.structured({ ...ask, maxValidationAttempts: 2 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "ModelError", code: "structured_output_invalid" });
    expect((failure as Error).message).toContain("the reply is not a JSON object");
  });
});
