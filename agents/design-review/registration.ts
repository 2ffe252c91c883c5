import { defineRegistration } from "../../bus/define-registration.ts";
import { builtInReviewerAgents } from "../../schemas/reviewer-job.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { designReviewAgent } from "./agent.ts";

export const designReviewRegistration = defineRegistration({
  definition: designReviewAgent,
  buildDeps: (context) => buildAgentDeps(context),
  // It fans the design out to the specialist reviewers and only merges their answers.
  calls: builtInReviewerAgents,
  callsModel: false,
});
