import { describe, expect, it } from "vitest";
import { retryBudget, worstCaseModelCallsPerFile } from "../../bus/retry-budget.ts";
import { maximumFileAttempts } from "../../agents/code/write-files.ts";
import { readModelConfig } from "../../llm/config.ts";

describe("the retry budget", () => {
  it("is what each layer uses by default, so the documented worst case is the real one", () => {
    expect(readModelConfig({}).maxAttempts).toBe(retryBudget.modelAttemptsPerCall);
    expect(maximumFileAttempts).toBe(retryBudget.attemptsPerFile);
    expect(worstCaseModelCallsPerFile).toBe(retryBudget.modelAttemptsPerCall * retryBudget.deliveriesPerJob * retryBudget.attemptsPerFile);
  });
});
