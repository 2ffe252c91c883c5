import type { Plugin } from "esbuild";
import { escapeRegularExpression } from "./escape-regular-expression.ts";

/**
 * Packages an agent import()s only when it needs them: the SDK at its first model call, yaml when
 * the orchestrator reads a pipeline, OpenTelemetry when tracing is on (decisions 1411, 1414). A
 * process started from a snapshot cannot import() (node 20 gives it no module loader for that), and
 * bundling them into the snapshot would cost every agent their memory, so each group is a CommonJS
 * bundle of its own next to the snapshot, required on first use. OpenTelemetry's packages share one
 * bundle: they share @opentelemetry/core and pass each other its classes.
 */
export const lazyPackageGroups: Readonly<Record<string, readonly string[]>> = Object.freeze({
  "anthropic-sdk": ["@anthropic-ai/sdk"],
  yaml: ["yaml"],
  opentelemetry: [
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/sdk-trace-base",
    "@opentelemetry/resources",
    "@opentelemetry/semantic-conventions",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/exporter-trace-otlp-proto",
  ],
});

export const lazyBundleFileName = (group: string) => `lazy-${group}.cjs`;

const groupOfPackage = new Map(Object.entries(lazyPackageGroups).flatMap(([group, names]) => names.map((name) => [name, group] as const)));
const exactly = (names: Iterable<string>) => new RegExp(`^(${[...names].map(escapeRegularExpression).join("|")})$`);

/**
 * The snapshot bundle's view of what it cannot hold (decision 1418):
 * - an import() of a lazy package becomes a require of its group's bundle, made when it runs;
 * - `tls` loads on first use: node cannot snapshot its native state, and nats requires it at the
 *   top of its transport whether or not the connection uses TLS;
 * - pino's transports (never used here: agents log to stdout) would load thread-stream from
 *   node_modules, which a snapshot cannot require; they fail with a clear error instead.
 */
export function snapshotBundlePlugin(snapshotBundlePath: string): Plugin {
  return {
    name: "agent-snapshot",
    setup(builder) {
      builder.onResolve({ filter: exactly(groupOfPackage.keys()) }, (args) =>
        args.kind === "dynamic-import" ? { path: args.path, namespace: "lazy-package" } : undefined,
      );
      builder.onLoad({ filter: /.*/, namespace: "lazy-package" }, (args) => {
        const bundle = `./${lazyBundleFileName(groupOfPackage.get(args.path)!)}`;
        // require() in a snapshot only reaches built-ins; node:module's createRequire gives a real one.
        // The import() that loads this wraps it in `default` (its importer is an ES module), and the
        // mark tells namedExports (bus/commonjs-exports.ts) that inside is the package's namespace.
        const namespace = `require("node:module").createRequire(${JSON.stringify(snapshotBundlePath)})(${JSON.stringify(bundle)}).default[${JSON.stringify(args.path)}]`;
        return { contents: `module.exports = { ...${namespace}, __esModule: true };`, loader: "js" };
      });
      // The stand-in's own require of node:tls is the real one.
      builder.onResolve({ filter: /^(node:)?tls$/ }, (args) => (args.namespace === "tls-on-first-use" ? undefined : { path: "tls", namespace: "tls-on-first-use" }));
      builder.onLoad({ filter: /.*/, namespace: "tls-on-first-use" }, () => ({
        contents: `let tls; const load = () => (tls ??= require("node:tls")); module.exports = new Proxy({}, { get: (_target, key) => load()[key], has: (_target, key) => key in load() });`,
        loader: "js",
      }));
      builder.onResolve({ filter: /^(thread-stream|pino-pretty)$/ }, (args) => ({ path: args.path, namespace: "not-in-the-snapshot" }));
      builder.onLoad({ filter: /.*/, namespace: "not-in-the-snapshot" }, (args) => ({
        contents: `module.exports = function notInTheSnapshot() { throw new Error(${JSON.stringify(`${args.path} is not available to an agent started from the snapshot (pino transports are not used; agents log to stdout)`)}); };`,
        loader: "js",
      }));
    },
  };
}

/**
 * Entry points `lazy-group:<group>` of the lazy bundles: each exports, as its default, its packages'
 * module namespaces by name. Imported, not required, so that esbuild bundles the packages' ES module
 * builds, as the chunks of the ES module build do: the SDK's is 730 KB where its CommonJS build is 920.
 */
export function lazyGroupEntries(sourceRoot: string): Plugin {
  return {
    name: "lazy-package-groups",
    setup(builder) {
      builder.onResolve({ filter: /^lazy-group:/ }, (args) => ({ path: args.path.slice("lazy-group:".length), namespace: "lazy-group" }));
      builder.onLoad({ filter: /.*/, namespace: "lazy-group" }, (args) => {
        const names = lazyPackageGroups[args.path] ?? [];
        const imports = names.map((name, index) => `import * as package${index} from ${JSON.stringify(name)};`);
        const entries = names.map((name, index) => `${JSON.stringify(name)}: package${index}`);
        return { contents: `${imports.join("\n")}\nexport default {${entries.join(", ")}};\n`, resolveDir: sourceRoot, loader: "js" };
      });
    },
  };
}
