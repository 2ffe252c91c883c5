import { z } from "zod";
import { defineAgent } from "../../bus/define-agent.ts";
import { codeResultSchema } from "../../schemas/file-job.ts";
import { stageInputSchema } from "../../schemas/run.ts";
import { testReportSchema, type TestReport } from "../../schemas/test-report.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { runProjectTests, type TestRunDeps } from "./run-project-tests.ts";

const testInputSchema = stageInputSchema.and(z.object({ code: codeResultSchema }));
type TestInput = z.infer<typeof testInputSchema>;

export type TestAgentDeps = AgentDeps & { sandbox: TestRunDeps };

export const testAgent = defineAgent<TestInput, TestReport, TestAgentDeps>({
  name: "test",
  version: "1.0.0",
  description: "Runs the generated project's own tests for real, in a sandbox",
  input: testInputSchema,
  output: testReportSchema,
  async handle(input, context) {
    const files = await Promise.all(
      input.code.files.map(async (file) => {
        const content = await context.deps.artifacts.getText(file.artifact);
        if (content === undefined) throw new Error(`artifact ${file.artifact} for ${file.path} is missing from the store`);
        return { path: file.path, content };
      }),
    );
    const report = await runProjectTests(files, context.deps.sandbox);
    await context.emit("tests.finished", { verdict: report.verdict, passed: report.passed, failed: report.failed, total: report.total, runner: report.runner });
    return report;
  },
});
