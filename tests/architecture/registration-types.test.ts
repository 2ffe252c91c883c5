import { describe, expect, it } from "vitest";
import { defineRegistration } from "../../bus/define-registration.ts";
import { buildAgentDeps } from "../../agents/shared/build-agent-deps.ts";
import { testAgent } from "../../agents/tester/agent.ts";
import { buildSandboxDeps } from "../../agents/tester/test-agent-config.ts";

/**
 * Type-level checks: tsc (`npx tsc -p .`) fails if a `@ts-expect-error` below stops being an error, that is
 * if a registration whose deps lack what its definition's handler needs would type-check again.
 * The registrations are built inside functions that never run, so nothing connects anywhere.
 */
function registrationsThatMustNotTypeCheck() {
  defineRegistration({
    definition: testAgent,
    // @ts-expect-error the test agent's handler needs `sandbox`, which the pipeline deps alone lack
    buildDeps: (context) => buildAgentDeps(context),
    callsModel: false,
  });
  defineRegistration({
    definition: testAgent,
    // @ts-expect-error deps of the wrong shape entirely
    buildDeps: () => ({ sandbox: buildSandboxDeps() }),
    callsModel: false,
  });
}

function registrationThatTypeChecks() {
  return defineRegistration({
    definition: testAgent,
    buildDeps: (context) => ({ ...buildAgentDeps(context), sandbox: buildSandboxDeps() }),
    callsModel: false,
  });
}

describe("defineRegistration's types", () => {
  it("are checked by tsc; at run time the functions above only need to exist", () => {
    expect(typeof registrationsThatMustNotTypeCheck).toBe("function");
    expect(typeof registrationThatTypeChecks).toBe("function");
  });
});
