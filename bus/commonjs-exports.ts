/**
 * The exports of a package loaded with import(), whichever way the runtime hands them over:
 * - by name, as node and tsx give a CommonJS package's exports;
 * - only under `default`, as a chunk of the split build does, whose bundler wraps the package;
 * - under `default` as a whole module marked `__esModule`, as a process started from the agents'
 *   snapshot does (decision 1418): its bundler wraps the lazy bundle's module in `default`, and that
 *   module is the package's own namespace, `default` export included (the SDK's client class).
 * Every lazily imported package goes through it: the SDK, yaml, OpenTelemetry.
 */
export async function namedExports<T extends object>(loading: Promise<T>): Promise<T> {
  const namespace = await loading;
  const commonJsExports = (namespace as { default?: unknown }).default;
  if (!commonJsExports || typeof commonJsExports !== "object") return namespace;
  if ((commonJsExports as { __esModule?: unknown }).__esModule === true) return commonJsExports as T;
  return { ...commonJsExports, ...namespace } as T;
}
