import { defineRegistration } from "../../bus/define-registration.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { planningAgent } from "./agent.ts";

export const planningRegistration = defineRegistration({
  definition: planningAgent,
  buildDeps: (context) => buildAgentDeps(context),
  callsModel: true,
  // The PROBE estimate reads the sizes of earlier runs.
  keyValue: { lists: ["history"] },
});
