import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { generateMessagesDoc, messagesDocPath } from "../../docs/generate-messages.ts";
import { reviewerJobSchema } from "../../schemas/reviewer-job.ts";

describe("docs/messages.md", () => {
  it("is up to date with the zod schemas (run npm run docs:messages after changing one)", () => {
    expect(readFileSync(messagesDocPath, "utf8")).toBe(generateMessagesDoc());
  });

  it("lists the subjects and carries each schema's JSON Schema", () => {
    const doc = generateMessagesDoc();
    expect(doc).toContain("| events | `asp.events.<runId>.<agent>.<event>` |");
    expect(doc).toContain("| control | `asp.control.<runId>.<command>` |");
    expect(doc).toContain(JSON.stringify(z.toJSONSchema(reviewerJobSchema, { io: "input", unrepresentable: "any" }), null, 2));
    expect(doc.match(/^### /gm)?.length).toBeGreaterThanOrEqual(20);
  });
});
