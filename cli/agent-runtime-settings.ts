import { setFlagsFromString } from "node:v8";

/**
 * V8 settings for agent processes, set from inside the process once node's built-ins are loaded
 * rather than on node's command line (decision 1412): any V8 flag changes V8's flag hash, and node's
 * embedded code cache for a built-in loaded after that is rejected, about 90 ms more CPU per process.
 * The build's launcher (cli/build/agent-launcher.ts) sets them between the built-ins and the agent's
 * code; `asp agent` sets them again once loaded, for the image, which starts agents through the CLI.
 * - A 1 MB young generation: agents hold little short-lived data (decision 0904). V8 reads
 *   --max-semi-space-size only when it sets its heap up, but it reads the growth factor at every
 *   scavenge: a factor of 1 keeps the semi-spaces at their initial 1 MB.
 * - Liftoff only for WebAssembly: the SDK's fetch parses HTTP with undici's llhttp, a wasm module
 *   V8 otherwise recompiles with TurboFan after a few model calls, a one-off ~25 MB (decision 0904).
 * - V8 tuned for size: smaller heap growth steps (decision 1411).
 * V8 reads each of these when it next needs it (growing the young generation, compiling wasm), so
 * setting them after start-up still governs what follows.
 */
export const agentRuntimeFlags = Object.freeze(["--semi-space-growth-factor=1", "--liftoff-only", "--optimize-for-size"]);

/**
 * glibc's malloc, tuned by environment variables (they cost no V8 cache). An environment that sets
 * one keeps its value.
 * - One arena: glibc gives each thread that allocates its own; node's V8 and libuv threads would
 *   otherwise hold several mostly empty ones. It saves 2–3 MB of resident memory each (decision 1412).
 * - A fixed mmap threshold, glibc's initial 128 KB: glibc otherwise raises it to the size of each large
 *   mapped block freed (up to 32 MB), and node frees blocks of megabytes as it starts (the startup
 *   snapshot's, decision 1418); blocks up to that size then come from the heap, where freed memory
 *   stays resident. Fixed, they are mapped and unmapped: 1–1.5 MB less per agent, measured.
 */
export const agentMallocSettings = { MALLOC_ARENA_MAX: "1", MALLOC_MMAP_THRESHOLD_: "131072" } as const;

export function applyAgentRuntimeFlags(): void {
  for (const flag of agentRuntimeFlags) setFlagsFromString(flag);
}
