import { describe, expect, it } from "vitest";
import { parseJest, parseVitest } from "../../agents/tester/runners/javascript.ts";

// Their symbols are matched through \u escapes (decision 1418): these outputs are what the runners print.
describe("reading Jest's and Vitest's output", () => {
  it("reads a Jest failure block (● Suite › name) with its message and the test file's line", () => {
    const output = [
      "FAIL src/add.test.js",
      "  ● adder › adds two numbers",
      "",
      "    expect(received).toBe(expected) // Object.is equality",
      "",
      "      at Object.<anonymous> (src/add.test.js:5:17)",
      "",
      "Tests:       1 failed, 3 passed, 4 total",
    ].join("\n");
    expect(parseJest(output)).toEqual({
      passed: 3,
      failed: 1,
      failures: [{ name: "adder › adds two numbers", message: "expect(received).toBe(expected) // Object.is equality", file: "src/add.test.js", line: 5 }],
      recognised: true,
    });
  });

  it("reads a Vitest failure (FAIL file > name) up to its ⎯ rule, with the ❯ line of the test file", () => {
    const output = [
      " FAIL  src/add.test.ts > adder > adds two numbers",
      "AssertionError: expected 3 to be 4",
      " ❯ src/add.test.ts:7:15",
      "",
      "⎯⎯⎯⎯⎯⎯⎯⎯[1/1]⎯",
      "",
      " Tests  1 failed | 2 passed (3)",
    ].join("\n");
    expect(parseVitest(output)).toEqual({
      passed: 2,
      failed: 1,
      failures: [{ name: "adder > adds two numbers", message: "AssertionError: expected 3 to be 4", file: "src/add.test.ts", line: 7 }],
      recognised: true,
    });
  });
});
