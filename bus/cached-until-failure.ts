/**
 * A handle made on first use and kept (a JetStream manager, a KV or object-store view). Making one
 * is a request to the server; one that failed (a node away) is forgotten, so the next use tries
 * again instead of failing for the life of the process.
 */
export interface CachedHandle<T> {
  (): Promise<T>;
  /** Drops the handle, so the next use makes a new one: for a user that finds what it points at gone. */
  forget(): void;
}

export function cachedUntilFailure<T>(create: () => Promise<T>): CachedHandle<T> {
  let cached: Promise<T> | undefined;
  const handle = () => {
    cached ??= create().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
  return Object.assign(handle, { forget: () => void (cached = undefined) });
}
