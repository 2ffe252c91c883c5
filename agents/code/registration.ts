import { defineRegistration } from "../../bus/define-registration.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { warmModelClient } from "../shared/warm-model-client.ts";
import { codeAgent } from "./agent.ts";

export const codeRegistration = defineRegistration({
  definition: codeAgent,
  buildDeps: (context) => buildAgentDeps(context),
  // It plans the manifest itself, then hands each file to the writer pool.
  calls: ["file-writer"],
  callsModel: true,
  warmUp: warmModelClient,
});
