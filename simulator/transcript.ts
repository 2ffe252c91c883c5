import { appendFile } from "node:fs/promises";
import type { ConditionOutcome } from "./conditional-reply.ts";
import type { FaultKind } from "./scenario-schema.ts";

/** One request and what the simulator answered. Never holds headers, so never a key. */
export interface TranscriptEntry {
  time: string;
  requestId: string;
  path: string;
  runId: string;
  agent: string | null;
  file: string | null;
  round: number | null;
  fault: FaultKind | null;
  streaming: boolean;
  status: number;
  request: unknown;
  response?: unknown;
  error?: { type: string; message: string };
  usage: Record<string, number> | null;
  latencyMs: number;
  /** The entry was a conditional reply: its label, whether the request carried every text, and which it lacked. */
  condition?: ConditionOutcome;
  /** The reply started with a thinking block. */
  thinking?: boolean;
  /** The scenario's reply broke the request's output_config.format schema (a scenario mistake the real API cannot make). */
  schemaProblems?: string[];
}

/**
 * Keeps every entry in memory and appends each as one JSON line. Appends are chained so lines
 * keep their order and never interleave; `flush` waits for the chain.
 */
export class TranscriptRecorder {
  readonly #entries: TranscriptEntry[] = [];
  readonly #path: string | undefined;
  readonly #onWriteError: (error: unknown) => void;
  #pending: Promise<void> = Promise.resolve();

  constructor(path: string | undefined, onWriteError: (error: unknown) => void) {
    this.#path = path;
    this.#onWriteError = onWriteError;
  }

  record(entry: TranscriptEntry): void {
    this.#entries.push(entry);
    const path = this.#path;
    if (path === undefined) return;
    const line = `${JSON.stringify(entry)}\n`;
    this.#pending = this.#pending.then(() => appendFile(path, line, "utf8")).catch(this.#onWriteError);
  }

  entries(): TranscriptEntry[] {
    return structuredClone(this.#entries);
  }

  flush(): Promise<void> {
    return this.#pending;
  }
}
