import { jsonCodec } from "../../../bus/codec.ts";
import { createJobClient } from "../../../bus/job-client.ts";
import { fileJobSchema } from "../../../schemas/file-job.ts";
import { fileResultCodec } from "../../../schemas/file-result.ts";
import type { TestBus } from "../../support/nats.ts";

/** What the local model server answers for calc.py in the scenarios of these tests. */
export const calculatorSource = "def add(a, b):\n    return a + b\n";

/** One file job for calc.py, as the code agent sends it, to whichever file-writer takes it. */
export function requestCalculatorFile(bus: TestBus, runId: string) {
  const jobs = createJobClient({ connection: bus.connection, subjects: bus.subjects });
  const entry = { path: "calc.py", type: "source" as const, purpose: "adds", unitId: "u", componentId: "c", estimatedLines: 2, dependsOn: [] };
  return jobs.request("file-writer", { path: "calc.py", round: 1, entry, sharedContext: "a calculator" }, {
    runId,
    inputCodec: jsonCodec(fileJobSchema),
    outputCodec: fileResultCodec,
    timeoutMs: 30_000,
  });
}
