import { defineRegistration } from "../../bus/define-registration.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { warmModelClient } from "../shared/warm-model-client.ts";
import { postmortemAgent } from "./agent.ts";

export const postmortemRegistration = defineRegistration({
  definition: postmortemAgent,
  buildDeps: (context) => buildAgentDeps(context),
  callsModel: true,
  warmUp: warmModelClient,
  // It records each run's sizes and times for the next plans' PROBE estimates.
  keyValue: { writes: ["history"], lists: ["history"] },
});
