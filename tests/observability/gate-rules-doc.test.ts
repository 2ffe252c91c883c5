import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { judgeGate } from "../../agents/orchestrator/state-machine.ts";
import { codeVerdict, designVerdict } from "../../agents/shared/verdict.ts";
import { findingSchema } from "../../schemas/review.ts";
import type { Stage } from "../../schemas/pipeline.ts";

const finding = (severity: "critical" | "high" | "medium" | "low" | "info") => findingSchema.parse({ severity, category: "c", description: "d" });

describe("the documented gate rules match the code", () => {
  it("regression: the docs did not say which severities give PASS, CONDITIONAL_PASS or FAIL", async () => {
    const configuration = await readFile("docs/configuration.md", "utf8");
    // Each documented row, checked against what the verdict functions answer for that severity.
    const rows: Array<[string, Array<"critical" | "high" | "medium" | "low" | "info">]> = [
      ["| any `critical` or `high` |", ["critical", "high"]],
      ["| else any `medium` |", ["medium"]],
      ["| only `low` / `info`, or none |", ["low", "info"]],
    ];
    for (const [row, severities] of rows) {
      const line = configuration.split("\n").find((candidate) => candidate.startsWith(row));
      expect(line, row).toBeDefined();
      const [, , design, code] = line!.split("|").map((cell) => cell.trim().replaceAll("`", ""));
      for (const severity of severities) {
        expect(designVerdict([finding(severity)])).toBe(design);
        expect(codeVerdict([finding(severity)])).toBe(code);
      }
    }
    expect(configuration).toContain("without `evidence` counts as `medium`");
  });

  it("regression: the docs did not say that maxRounds: 3 counts the gate's own failed rounds", async () => {
    const configuration = await readFile("docs/configuration.md", "utf8");
    expect(configuration).toContain("With `maxRounds: 3`, the first and second failures send the work back to `goto`, and the\nthird fails the run");
    const stage = { id: "code-review", agent: "code-review", gate: { pass: ["PASS"], onFail: { goto: "code", maxRounds: 3 }, routes: {} } } as unknown as Stage;
    expect(judgeGate(stage, 1, { verdict: "FAIL" })).toMatchObject({ exhausted: false, goto: "code" });
    expect(judgeGate(stage, 2, { verdict: "FAIL" })).toMatchObject({ exhausted: true, failures: 3 });
  });

  it("regression: the README listed test-report.json among every run's outputs, though a run stopped before the test stage writes none", async () => {
    const readme = await readFile("README.md", "utf8");
    expect(readme).toContain("a run that stops earlier (a gate out of rounds, its budget) has no `test-report.json`");
  });
});
