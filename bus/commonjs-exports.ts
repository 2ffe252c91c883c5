/**
 * The exports of a package loaded with import(), whether the runtime gives a CommonJS package's
 * exports by name (node, tsx) or only under `default` (a chunk of the split build, whose bundler
 * wraps the package). Every lazily imported CommonJS package goes through it: yaml, OpenTelemetry.
 */
export async function namedExports<T extends object>(loading: Promise<T>): Promise<T> {
  const namespace = await loading;
  const commonJsExports = (namespace as { default?: unknown }).default;
  return commonJsExports && typeof commonJsExports === "object" ? ({ ...commonJsExports, ...namespace } as T) : namespace;
}
