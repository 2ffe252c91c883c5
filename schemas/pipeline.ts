import { z } from "zod";

const token = z.string().regex(/^[A-Za-z0-9_-]+$/);

export const gateSchema = z.object({
  /** Verdicts (the stage output's `verdict`) that let the run go on. */
  pass: z.array(z.string()).min(1),
  onFail: z.object({ goto: token, maxRounds: z.number().int().min(1).max(10) }).optional(),
  /** Findings whose `target` names a key here send the run back to that stage instead (design findings about the plan). */
  routes: z.record(z.string(), token).default({}),
  /** A human must approve before the run goes on. */
  approval: z.object({ timeoutMs: z.number().int().positive(), onTimeout: z.enum(["approve", "reject"]) }).optional(),
});

export const stageSchema = z.object({
  id: token,
  agent: token,
  /** Key under which the stage's output is kept in the run and passed to later stages. */
  output: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/),
  timeoutMs: z.number().int().positive().default(600_000),
  gate: gateSchema.optional(),
  /** Extra reviewer agents (by subject) consulted by a review stage, e.g. plug-ins. */
  reviewers: z.array(token).default([]),
  /** Run this stage even after the run failed at a gate (the postmortem). */
  always: z.boolean().default(false),
});
export type Stage = z.infer<typeof stageSchema>;

export const pipelineSchema = z
  .object({
    name: token,
    stages: z.array(stageSchema).min(1),
    /** Agents outside the core (plug-ins) that stages name; every other stage must name a built-in agent. */
    plugins: z.array(token).default([]),
  })
  .superRefine((pipeline, context) => {
    const ids = new Set<string>();
    for (const stage of pipeline.stages) {
      if (ids.has(stage.id)) context.addIssue({ code: "custom", message: `stage id "${stage.id}" is used twice` });
      ids.add(stage.id);
    }
    for (const stage of pipeline.stages) {
      const targets = [stage.gate?.onFail?.goto, ...Object.values(stage.gate?.routes ?? {})].filter(Boolean) as string[];
      for (const target of targets) {
        if (!ids.has(target)) context.addIssue({ code: "custom", message: `stage "${stage.id}" sends the run to unknown stage "${target}"` });
      }
    }
  });
export type Pipeline = z.infer<typeof pipelineSchema>;
