import { z } from "zod";
import { probeEstimateSchema } from "../plan.ts";
import { eventEntry } from "./event-entry.ts";

/** What a stage agent reports of its own work, beside its result. */
export const stageResultEvents = {
  "plan.ready": eventEntry({
    description: "The planning agent's plan is built: its size and PROBE estimate.",
    emittedBy: "planning",
    data: z.object({
      units: z.number().int().nonnegative().describe("semantic units"),
      complexity: z.number().int().describe("the plan's total complexity, computed in code"),
      probe: probeEstimateSchema.nullable().describe("PROBE's estimate from history; null with fewer than three past runs"),
    }),
  }),
  "tests.finished": eventEntry({
    description: "The test agent ran the project's tests.",
    emittedBy: "tester",
    data: z.object({
      verdict: z.enum(["PASS", "FAIL"]),
      passed: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
      runner: z.string().describe("the runners' ids joined with +"),
    }),
  }),
  "review.reviewer_failed": eventEntry({
    description: "A gate's reviewer failed (not a verdict): the gate's stage is retried, and errors when its retries run out.",
    emittedBy: "design-review, code-review",
    data: z.object({
      gate: z.string().describe("the gate agent, e.g. code-review"),
      attempt: z.number().int().positive().describe("the gate job's delivery"),
      reviewers: z.array(z.string()).describe("the reviewers that failed"),
      reasons: z.array(z.string()).describe("`<reviewer>: <error>` for each"),
    }),
  }),
  "postmortem.proposal_failed": eventEntry({
    description: "The postmortem's improvement proposal (its only model call) failed; the metrics are reported without it.",
    emittedBy: "postmortem",
    data: z.object({ error: z.string() }),
  }),
  progress: eventEntry({
    description: "A free-form progress note of a running job. Known fields are typed; others are kept as they are.",
    emittedBy: "any agent",
    openData: true,
    data: z.looseObject({
      path: z.string().optional().describe("the file the note is about (watch moves its bar)"),
      round: z.number().int().positive().optional(),
      fraction: z.number().min(0).max(1).optional().describe("how far along, 0..1"),
      step: z.string().optional().describe("what the job is doing"),
    }),
  }),
};
