/** What one model was asked for in one window (a minute unless set otherwise) of the simulator's clock. */
export interface MinuteUsage {
  model: string;
  /** Start of the window, ISO 8601 (windows are aligned to whole multiples of their length on the clock). */
  minute: string;
  minuteStartMs: number;
  /** Every /v1/messages request for this model that arrived in the window, refused or not. */
  requests: number;
  /** Requests answered with an HTTP error (a 429 or 529 fault, a 400). */
  rejected: number;
  /** Input tokens of every request that arrived (cache reads and writes included), as the API's input limit counts them. */
  inputTokens: number;
  /** Output tokens of the replies that started in the window (thinking included). */
  outputTokens: number;
}

export const defaultUsageWindowMs = 60_000;

/**
 * Per-model, per-minute counters, so a test can assert that a fleet sharing a rate limit never
 * sent more than the limit in any minute. Everything is booked to the minute the request arrived
 * in, so one request never counts in two windows. The window is a minute as the API counts, but may
 * be set shorter: a test of a limiter whose window is a few seconds (ASP_LLM_RATE_WINDOW_MS) reads
 * the server's own counts per that window instead of rebuilding them from the transcript.
 */
export class MinuteUsageCounter {
  readonly #windows = new Map<string, MinuteUsage>();

  constructor(readonly windowMs: number = defaultUsageWindowMs) {
    if (!Number.isInteger(windowMs) || windowMs < 1) throw new Error(`usageWindowMs must be a whole number of milliseconds, at least 1 (got ${windowMs})`);
  }

  #window(model: string, arrivedAt: number): MinuteUsage {
    const start = Math.floor(arrivedAt / this.windowMs) * this.windowMs;
    const key = `${model}\u0000${start}`;
    let window = this.#windows.get(key);
    if (!window) {
      window = { model, minute: new Date(start).toISOString(), minuteStartMs: start, requests: 0, rejected: 0, inputTokens: 0, outputTokens: 0 };
      this.#windows.set(key, window);
    }
    return window;
  }

  arrived(model: string, arrivedAt: number, inputTokens: number): void {
    const window = this.#window(model, arrivedAt);
    window.requests += 1;
    window.inputTokens += inputTokens;
  }

  rejected(model: string, arrivedAt: number): void {
    this.#window(model, arrivedAt).rejected += 1;
  }

  produced(model: string, arrivedAt: number, outputTokens: number): void {
    this.#window(model, arrivedAt).outputTokens += outputTokens;
  }

  /** Every window, oldest first, then by model. */
  entries(): MinuteUsage[] {
    return [...this.#windows.values()]
      .map((window) => ({ ...window }))
      .sort((a, b) => a.minuteStartMs - b.minuteStartMs || a.model.localeCompare(b.model));
  }
}
