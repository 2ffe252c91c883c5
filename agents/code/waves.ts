import type { ManifestEntry } from "../../schemas/manifest.ts";

export interface WavePlan {
  /** Each wave's entries, longest first; a wave starts when every file of the waves before it is written. */
  waves: ManifestEntry[][];
  /** A dependency cycle among the files to write, as a closed path (first path repeated last), when one exists. */
  cycle?: string[];
}

/** Longest first (by the manifest's estimate): the pool pulls jobs in publish order (decision 0900). */
function longestFirst(entries: ManifestEntry[]): ManifestEntry[] {
  return [...entries].sort((a, b) => b.estimatedLines - a.estimatedLines);
}

/**
 * Topological layers of the files to write along `dependsOn`, so a file is written after the files it
 * depends on and its writer sees their new content (decision 1101). Only dependencies that are written in
 * this same round order the waves: any other dependency already has its content (the previous round's).
 * A cycle cannot be layered; the plan then falls back to one wave and names the cycle.
 */
export function planWaves(entries: ManifestEntry[]): WavePlan {
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  const pending = new Map(entries.map((entry) => [entry.path, new Set(entry.dependsOn.filter((dependency) => byPath.has(dependency) && dependency !== entry.path))]));
  const selfDependent = entries.find((entry) => entry.dependsOn.includes(entry.path));
  if (selfDependent) return { waves: [longestFirst(entries)], cycle: [selfDependent.path, selfDependent.path] };
  const waves: ManifestEntry[][] = [];
  while (pending.size > 0) {
    const ready = [...pending.entries()].filter(([, dependencies]) => dependencies.size === 0).map(([path]) => path);
    if (ready.length === 0) return { waves: [longestFirst(entries)], cycle: findCycle(pending) };
    for (const path of ready) pending.delete(path);
    for (const dependencies of pending.values()) for (const path of ready) dependencies.delete(path);
    waves.push(longestFirst(ready.map((path) => byPath.get(path)!)));
  }
  return { waves };
}

/** Every file in one wave, longest first: the all-at-once order, in which no file waits for another. */
export function planAllAtOnce(entries: ManifestEntry[]): WavePlan {
  return { waves: [longestFirst(entries)] };
}

/** One cycle among files that all still wait on each other: walk any unmet dependency until a path repeats. */
function findCycle(pending: Map<string, Set<string>>): string[] {
  const start = [...pending.keys()].sort()[0]!;
  const walk: string[] = [];
  const seenAt = new Map<string, number>();
  let current = start;
  while (!seenAt.has(current)) {
    seenAt.set(current, walk.length);
    walk.push(current);
    // Every remaining file has an unmet dependency that is itself remaining, so the walk never stops short.
    current = [...pending.get(current)!].sort()[0]!;
  }
  return [...walk.slice(seenAt.get(current)!), current];
}
