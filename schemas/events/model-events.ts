import { llmCallSchema } from "../llm-call.ts";
import { eventEntry } from "./event-entry.ts";

/** Model calls: one event per HTTP attempt, so the postmortem's and the budget's totals are sums of these. */
export const modelEvents = {
  "llm.call": eventEntry({
    description:
      "One HTTP attempt of a model call, retries included. The envelope's `agent` is the agent process that made the call " +
      "(e.g. `review-security`); `data.agent` is the call's identity, which selects its model and routes it in the model " +
      "server, and may be finer (a reviewer's is `<reviewer>:<artefact>`, e.g. `review-security:code`). Sum costs by " +
      "the envelope's `agent` for cost per agent process.",
    emittedBy: "every agent that calls the model (agents/shared/model-for-job.ts)",
    data: llmCallSchema,
  }),
};
