import { z } from "zod";
import { findingSchema, severitySchema } from "../review.ts";
import { eventEntry } from "./event-entry.ts";

/** A finding as a gate verdict carries it: a reviewer's finding, or one made from a failing test or build error. */
const verdictFindingSchema = findingSchema.extend({
  // Looser than a reviewer's reply: the gate also makes findings from build output, whose text may be empty,
  // and a verdict that records them must never fail to be emitted over it.
  category: z.string(),
  description: z.string(),
  reviewer: z.string().optional().describe("the reviewer, test runner or build tool that raised it"),
  id: z.string().optional().describe("`DR-<n>` / `CR-<n>`, kept across rounds"),
  downgradedFrom: severitySchema.optional().describe("the severity a high or critical finding without evidence had"),
});

const decisionSchema = z.enum(["approve", "reject"]);

/** Gates: the agent's verdict, and the human approvals a pipeline may ask for. */
export const gateEvents = {
  "gate.verdict": eventEntry({
    description: "A gate stage's verdict, and where the run goes next.",
    emittedBy: "orchestrator",
    data: z.object({
      stage: z.string(),
      round: z.number().int().positive(),
      verdict: z.string().describe("PASS / NEEDS_IMPROVEMENT / FAIL (design), PASS / CONDITIONAL_PASS / FAIL (code), PASS / FAIL (test)"),
      passed: z.boolean().describe("true when the verdict is one of the gate's pass values"),
      next: z.string().describe("`continue`, `fail` (no rounds left), or the stage the findings go back to"),
      summary: z.string().nullable().describe("the gate's summary; null when it gave none"),
      findings: z.array(verdictFindingSchema).describe("the findings fed back (info ones left out)"),
      decidedBy: z.string().describe("`agent` for this event"),
    }),
  }),
  "gate.waiting": eventEntry({
    description: "The run waits for a human decision at this gate (asp approve / reject, or the dashboard).",
    emittedBy: "orchestrator",
    data: z.object({
      stage: z.string(),
      round: z.number().int().positive(),
      since: z.string().describe("ISO time the wait began"),
      deadline: z.string().describe("ISO time the gate's timeout policy applies"),
    }),
  }),
  "gate.decided": eventEntry({
    description: "A human (or the timeout policy) decided a waiting gate; the waiting run reads this event.",
    emittedBy: "orchestrator (agents/orchestrator/gate-control.ts, agent.ts on timeout)",
    data: z.object({
      stage: z.string(),
      round: z.number().int().positive(),
      decision: decisionSchema,
      note: z.string().describe("the decider's note; empty when none"),
      decidedBy: z.string().describe("who decided, e.g. `cli`, or `timeout-policy`"),
    }),
  }),
};
