import { defineRegistration } from "../../bus/define-registration.ts";
import { buildAgentDeps } from "../shared/build-agent-deps.ts";
import { testAgent } from "./agent.ts";
import { buildSandboxDeps } from "./test-agent-config.ts";

export const testRegistration = defineRegistration({
  definition: testAgent,
  buildDeps: (context) => ({ ...buildAgentDeps(context), sandbox: buildSandboxDeps() }),
  // It runs the generated project's tests; no model call.
  callsModel: false,
  deploy: { role: "sandbox" },
});
