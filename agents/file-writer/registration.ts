import { defineRegistration } from "../../bus/define-registration.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { warmModelClient } from "../shared/warm-model-client.ts";
import { fileWriterAgent } from "./agent.ts";

export const fileWriterRegistration = defineRegistration({
  definition: fileWriterAgent,
  buildDeps: (context) => buildAgentDeps(context),
  callsModel: true,
  warmUp: warmModelClient,
  // The writer pool: `asp up --writers N`, `docker compose up --scale file-writer=N`, KEDA in Kubernetes.
  deploy: { replicas: 4, pool: true },
});
