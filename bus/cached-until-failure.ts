/**
 * A handle made on first use and kept (a JetStream manager, a KV or object-store view). Making one
 * is a request to the server; one that failed (a node away) is forgotten, so the next use tries
 * again instead of failing for the life of the process.
 */
export function cachedUntilFailure<T>(create: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    cached ??= create().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}
