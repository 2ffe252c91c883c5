import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";

/** One download cache per tool under one root, shared by every run of this agent, bounded in size. */
export interface InstallCache {
  directory: string;
  maxBytes: number;
}

export const cacheFolders = ["pip", "npm", "go-mod", "go-build", "cargo", "maven"] as const;
export type CacheFolder = (typeof cacheFolders)[number];

export const cacheFolder = (cache: InstallCache, folder: CacheFolder) => path.join(cache.directory, folder);

export async function prepareCache(cache: InstallCache): Promise<void> {
  for (const folder of cacheFolders) await mkdir(cacheFolder(cache, folder), { recursive: true });
}

interface Entry {
  file: string;
  bytes: number;
  modifiedMs: number;
}

async function walk(directory: string, into: Entry[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) await walk(file, into);
    else if (entry.isFile()) {
      const info = await stat(file).catch(() => undefined);
      if (info) into.push({ file, bytes: info.size, modifiedMs: Math.max(info.mtimeMs, info.atimeMs) });
    }
  }
}

/** Files and bytes in a folder: a change across an install step means the step downloaded something. */
export async function fingerprint(directory: string): Promise<{ files: number; bytes: number }> {
  const entries: Entry[] = [];
  await walk(directory, entries);
  return { files: entries.length, bytes: entries.reduce((sum, entry) => sum + entry.bytes, 0) };
}

/** Deletes the least recently used files until the cache fits its bound again. Returns the bytes freed. */
export async function pruneCache(cache: InstallCache): Promise<number> {
  const entries: Entry[] = [];
  await walk(cache.directory, entries);
  let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  let freed = 0;
  for (const entry of entries.sort((a, b) => a.modifiedMs - b.modifiedMs)) {
    if (total <= cache.maxBytes) break;
    await rm(entry.file, { force: true });
    total -= entry.bytes;
    freed += entry.bytes;
  }
  return freed;
}
