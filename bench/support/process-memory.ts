import { readFile } from "node:fs/promises";

export interface ProcessMemory {
  /** Resident set size now, MiB. */
  rssMiB: number;
  /** The kernel's high-water mark of the resident set (VmHWM), MiB: the peak over the process's life. */
  peakRssMiB: number;
}

/** Reads /proc/<pid>/status (Linux). Undefined when the process is gone or /proc is not there. */
export async function readProcessMemory(pid: number): Promise<ProcessMemory | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  if (!status) return undefined;
  const kibibytes = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1] ?? Number.NaN);
  return { rssMiB: Math.round((kibibytes("VmRSS") / 1024) * 10) / 10, peakRssMiB: Math.round((kibibytes("VmHWM") / 1024) * 10) / 10 };
}

/**
 * Samples the resident memory of a set of processes until stopped. VmHWM already gives the
 * peak; sampling adds the peak seen during the measured window only (after start-up).
 */
export function sampleMemory(pids: Map<string, number>, intervalMs = 200) {
  const peaks = new Map<string, number>();
  const sample = async () => {
    for (const [label, pid] of pids) {
      const memory = await readProcessMemory(pid);
      if (memory) peaks.set(label, Math.max(peaks.get(label) ?? 0, memory.rssMiB));
    }
  };
  const timer = setInterval(() => void sample(), intervalMs);
  return {
    async stop(): Promise<Map<string, { duringRunMiB: number; lifetimePeakMiB: number }>> {
      clearInterval(timer);
      await sample();
      const result = new Map<string, { duringRunMiB: number; lifetimePeakMiB: number }>();
      for (const [label, pid] of pids) {
        const memory = await readProcessMemory(pid);
        result.set(label, { duringRunMiB: peaks.get(label) ?? Number.NaN, lifetimePeakMiB: memory?.peakRssMiB ?? Number.NaN });
      }
      return result;
    },
  };
}
