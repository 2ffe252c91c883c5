import { defineRegistration } from "../../bus/define-registration.ts";
import { builtInReviewerAgents } from "../../schemas/reviewer-job.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { codeReviewAgent } from "./agent.ts";

export const codeReviewRegistration = defineRegistration({
  definition: codeReviewAgent,
  buildDeps: (context) => buildAgentDeps(context),
  // It fans the files out to the specialist reviewers and only merges their answers.
  calls: builtInReviewerAgents,
  callsModel: false,
});
