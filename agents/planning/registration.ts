import { defineRegistration } from "../../bus/define-registration.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { warmModelClient } from "../shared/warm-model-client.ts";
import { planningAgent } from "./agent.ts";

export const planningRegistration = defineRegistration({
  definition: planningAgent,
  buildDeps: (context) => buildAgentDeps(context),
  callsModel: true,
  warmUp: warmModelClient,
  // The PROBE estimate reads the sizes of earlier runs.
  keyValue: { lists: ["history"] },
});
