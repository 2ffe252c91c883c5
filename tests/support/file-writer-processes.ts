import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileResultCodec } from "../../schemas/file-result.ts";
import { jsonCodec } from "../../bus/codec.ts";
import { spawnAgentProcess, stopProcess, type FleetProcess } from "../../cli/fleet.ts";
import { fileJobSchema, type FileJob } from "../../schemas/file-job.ts";
import type { TestBus } from "./nats.ts";

export const fileJobCodec = jsonCodec(fileJobSchema);
export { fileResultCodec };

/** A file job as the code agent sends it, for a file the scenario has a reply for. */
export function fileJob(filePath: string, round = 1): FileJob {
  return {
    path: filePath,
    round,
    entry: { path: filePath, type: "source", purpose: `The file ${filePath}`, unitId: "unit-1", componentId: "component-1", estimatedLines: 4, dependsOn: [] },
    sharedContext: "the design and the manifest",
  };
}

export interface WriterPool extends AsyncDisposable {
  writers: FleetProcess[];
}

/** Variables of the outer shell that would point the writers somewhere else. */
const inheritedVariablesToDrop = /^(NATS_|ASP_|ANTHROPIC_)/;

/** `count` real file-writer processes (`asp agent file-writer`) on the test's bus, calling the model at `modelUrl`. */
export async function startWriterPool(bus: TestBus, options: { count: number; modelUrl: string; env?: Record<string, string> }): Promise<WriterPool> {
  const logDirectory = await mkdtemp(path.join(tmpdir(), "asp-writers-"));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inheritedVariablesToDrop.test(name)));
  const env = { ...inherited, ...bus.env, ASP_LOG_LEVEL: "info", ASP_LLM_BASE_URL: options.modelUrl, ...options.env };
  const started = await Promise.allSettled(Array.from({ length: options.count }, (_, index) => spawnAgentProcess("file-writer", index, { env, logDirectory, readyTimeoutMs: 120_000 })));
  const writers = started.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  const stop = async () => {
    await Promise.all(writers.map((writer) => stopProcess(writer, 5000)));
    await rm(logDirectory, { recursive: true, force: true });
  };
  const failed = started.find((outcome) => outcome.status === "rejected");
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  return { writers, [Symbol.asyncDispose]: stop };
}
