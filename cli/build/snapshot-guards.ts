import crypto from "node:crypto";
import { startupSnapshot } from "node:v8";

/**
 * What an agent's modules must not do while `node --build-snapshot` evaluates them (decision 1418).
 * Whatever module-level code computes then is frozen into the snapshot and shared by every agent
 * process started from it, so two kinds of value would be silently wrong:
 * - `crypto.randomUUID()` draws from a cached batch of random bytes: one call at build time, and
 *   every agent would hand out the same "random" ids.
 * - `process.env` at build time is the builder's (all but empty) environment, not the agent's: a
 *   setting read at module level would take its default in every agent whatever the user set.
 * This module is the snapshot entry's first import, so its guards are up before any other module
 * runs; `endSnapshotGuards` fails the build, naming what ran, once every module has been evaluated.
 */
const builderEnvironment = process.env;
/** Each variable module-level code read, with where: "NAME (file:line)". */
const variablesRead = new Set<string>();
const uuidCalls: string[] = [];
const originalRandomUuid = crypto.randomUUID;
const originalWebRandomUuid = globalThis.crypto.randomUUID.bind(globalThis.crypto);

/** The frames of the code that called a guard. node builds a snapshot with stack traces off (no
 * Error.stackTraceLimit), so the guards turn them on for the moment they look. */
function callerFrames(): string[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 12;
  try {
    return (new Error().stack ?? "").split("\n").slice(3).map((frame) => frame.trim().replace(/^at /, ""));
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function recordUuidCall(): void {
  // The first frame is the guard's own.
  uuidCalls.push(callerFrames().slice(1, 5).join("\n"));
}

// The guards stay callable after the build (a module may have kept a reference to one): they pass
// straight through once the process is no longer building the snapshot.
crypto.randomUUID = ((options?: crypto.RandomUUIDOptions) => {
  if (startupSnapshot.isBuildingSnapshot()) recordUuidCall();
  return originalRandomUuid(options);
}) as typeof crypto.randomUUID;
globalThis.crypto.randomUUID = (() => {
  if (startupSnapshot.isBuildingSnapshot()) recordUuidCall();
  return originalWebRandomUuid();
}) as typeof globalThis.crypto.randomUUID;
process.env = new Proxy(builderEnvironment, {
  get(target, key) {
    // Node's own reads (FORCE_COLOR, as it prints a warning) are not ours to judge.
    const caller = callerFrames()[0] ?? "";
    if (typeof key === "string" && !/^(.*\()?node:/.test(caller)) variablesRead.add(`${key} (${caller})`);
    return Reflect.get(target, key);
  },
});

/** Puts the builder's own objects back and throws if any module drew a UUID or read the environment. */
export function endSnapshotGuards(): void {
  process.env = builderEnvironment;
  crypto.randomUUID = originalRandomUuid;
  delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
  const problems = [
    ...(variablesRead.size > 0 ? [`module-level code read process.env (${[...variablesRead].sort().join(", ")}): read settings when the agent starts, not when its module loads`] : []),
    ...(uuidCalls.length > 0 ? [`module-level code called crypto.randomUUID(), which every agent would then repeat:\n${uuidCalls.join("\n--\n")}`] : []),
  ];
  if (problems.length > 0) throw new Error(`the agent snapshot cannot be built:\n- ${problems.join("\n- ")}`);
}
