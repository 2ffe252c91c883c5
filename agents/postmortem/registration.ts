import { defineRegistration } from "../../bus/define-registration.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { postmortemAgent } from "./agent.ts";

export const postmortemRegistration = defineRegistration({
  definition: postmortemAgent,
  buildDeps: (context) => buildAgentDeps(context),
  callsModel: true,
  // It records each run's sizes and times for the next plans' PROBE estimates.
  keyValue: { writes: ["history"], lists: ["history"] },
});
