import { describe, expect, it } from "vitest";
import { cachedUntilFailure } from "../../bus/cached-until-failure.ts";

describe("cachedUntilFailure", () => {
  it("creates once and shares the handle, but forgets a creation that failed", async () => {
    let calls = 0;
    const outcomes = [new Error("TIMEOUT"), "handle"];
    const handle = cachedUntilFailure(async () => {
      const outcome = outcomes[calls++];
      if (outcome instanceof Error) throw outcome;
      return outcome;
    });
    await expect(handle()).rejects.toThrow("TIMEOUT");
    const [first, second] = await Promise.all([handle(), handle()]);
    expect([first, second]).toEqual(["handle", "handle"]);
    expect(await handle()).toBe("handle");
    expect(calls).toBe(2);
  });
});
