import { defineRegistration } from "../../bus/define-registration.ts";
import { builtInSpecialties } from "../../schemas/reviewer-job.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { warmModelClient } from "../shared/warm-model-client.ts";
import { defineReviewer } from "./agent.ts";

/** One agent per built-in specialty, each on its own subject, all from this folder's one definition. */
export const reviewerRegistrations = builtInSpecialties.map((specialty) =>
  defineRegistration({
    definition: defineReviewer(specialty),
    buildDeps: (context) => buildAgentDeps(context),
    callsModel: true,
    warmUp: warmModelClient,
  }),
);
