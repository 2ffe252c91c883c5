import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { generateMessagesDoc, messagesDocPath } from "../../docs/generate-messages.ts";
import { eventCatalogue } from "../../schemas/events/index.ts";
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

  it("lists every event type of the catalogue with its data's JSON Schema, and says how llm.call's two agents differ", () => {
    const doc = generateMessagesDoc();
    for (const [type, entry] of Object.entries(eventCatalogue)) {
      expect(doc, type).toContain(`#### Event ${type}\n`);
      expect(doc, type).toContain(JSON.stringify(z.toJSONSchema(entry.data, { io: "input", unrepresentable: "any" }), null, 2));
    }
    expect(doc).toContain("`x.<plugin>.<name>`");
    expect(doc).toMatch(/envelope's `agent` is the agent process that made the call \(e\.g\. `review-security`\), while `data\.agent`/);
    expect(doc).toContain("`review-security:code`");
  });
});
