import { defineRegistration } from "../../bus/define-registration.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { warmModelClient } from "../shared/warm-model-client.ts";
import { designAgent } from "./agent.ts";

export const designRegistration = defineRegistration({
  definition: designAgent,
  buildDeps: (context) => buildAgentDeps(context),
  callsModel: true,
  warmUp: warmModelClient,
});
