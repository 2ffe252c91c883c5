import path from "node:path";
import { cacheFolder, type InstallCache } from "./cache.ts";
import { offlineRegistryEnvironment } from "./registry-environment.ts";

/** Where each tool keeps its downloads and builds: the shared cache for downloads, this run's HOME for the rest. */
export function toolEnvironment(cache: InstallCache, home: string, phase: "install" | "test"): Record<string, string> {
  return {
    PIP_CACHE_DIR: cacheFolder(cache, "pip"),
    // Not only a flag on the agent's commands: the pip that build isolation starts for a pyproject.toml
    // would check its version and record that in the cache, under the run's own prefix: a "download" every run.
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    npm_config_cache: cacheFolder(cache, "npm"),
    npm_config_update_notifier: "false",
    // npm writes its debug logs into the cache by default, which would look like a download on every run.
    npm_config_logs_dir: path.join(home, ".npm", "_logs"),
    GOMODCACHE: cacheFolder(cache, "go-mod"),
    // Go's build cache is shared by both phases: without it every run compiles the standard library's test support again.
    GOCACHE: cacheFolder(cache, "go-build"),
    GOPATH: path.join(home, "go"),
    // Module files read-only in the cache are what go writes by default; -modcacherw lets the pruner delete them.
    GOFLAGS: phase === "install" ? "-modcacherw" : "-modcacherw -mod=mod",
    GOTOOLCHAIN: "local",
    ...(phase === "test" ? { GOPROXY: "off" } : {}),
    CARGO_HOME: cacheFolder(cache, "cargo"),
    // user.home is where Maven reads ~/.m2/settings.xml: Java takes it from the password file, not $HOME,
    // so without this a run would read the agent user's real settings, or none under bubblewrap.
    MAVEN_OPTS: `-Dmaven.repo.local=${cacheFolder(cache, "maven")} -Duser.home=${home}`,
  };
}

/**
 * The whole environment of one phase besides PATH and HOME: the toolchains' own, the user's registry
 * settings (all of them to install, the few an offline build needs to test), then where the tools keep things.
 */
export function phaseEnvironment(phase: "install" | "test", settings: { toolchainEnv: Record<string, string>; registryEnv: Record<string, string>; cache: InstallCache; home: string }): Record<string, string> {
  const registry = phase === "install" ? settings.registryEnv : offlineRegistryEnvironment(settings.registryEnv);
  return { ...settings.toolchainEnv, ...registry, ...toolEnvironment(settings.cache, settings.home, phase) };
}
