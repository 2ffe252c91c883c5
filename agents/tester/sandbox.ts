import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, readlinkSync, realpathSync, type Stats } from "node:fs";
import path from "node:path";
import { unshareArguments } from "./unshare-sandbox.ts";

export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
  maxProcesses: number;
  maxFileBytes: number;
  cpuSeconds: number;
  maxOutputBytes: number;
}

export const defaultSandboxLimits: SandboxLimits = Object.freeze({
  // A compiled project's first build (Go's, Rust's, Maven's) fills a cold cache; 60 s was not enough on two busy cores.
  timeoutMs: 180_000,
  memoryBytes: 2 * 1024 ** 3,
  maxProcesses: 256,
  maxFileBytes: 64 * 1024 ** 2,
  cpuSeconds: 60,
  maxOutputBytes: 1024 ** 2,
});

export interface SandboxResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  output: string;
  durationMs: number;
  network: "none" | "host";
}

export type SandboxKind = "bubblewrap" | "unshare" | "none";

export interface SandboxCapabilities {
  networkIsolation: boolean;
  resourceLimits: boolean;
  /** Running as root: generated code runs as this unprivileged uid/gid instead (root ignores RLIMIT_NPROC). */
  unprivilegedUser?: { uid: number; gid: number };
  /** bubblewrap works here: a read-only system with only the project's copy writable (docs/sandbox.md). */
  bubblewrap?: boolean;
}

/** What one sandboxed command may see and do beyond the project's folder. */
export interface SandboxAccess {
  /** The install phase may download; the compile and test phases never can. */
  network?: boolean;
  /** Host folders visible read-only: the toolchains' install folders that a hidden HOME would otherwise hide. */
  readOnly?: string[];
  /** Host folders visible read-write besides the project's run folder (the install phase's download cache). */
  readWrite?: string[];
  /** Extra environment (registry settings, tool caches); never the agent's own environment. */
  env?: Record<string, string>;
}

/**
 * The only host trees a bubblewrap sandbox shows (read-only): the system's programs, libraries and settings.
 * Everything else is absent, wherever it lives: a repository cloned to /check, a home, another run, a mount.
 */
export const systemTrees = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"];

/** A path the sandbox does not show unless it is mounted in by name (a toolchain under a home, the agent's packages). */
export function hiddenFromSandbox(file: string): boolean {
  return !systemTrees.some((tree) => file === tree || file.startsWith(`${tree}/`));
}

export function sandboxKindOf(capabilities: SandboxCapabilities): SandboxKind {
  if (capabilities.bubblewrap) return "bubblewrap";
  return capabilities.networkIsolation ? "unshare" : "none";
}

/** nobody/nogroup on Debian. */
export const sandboxUser = Object.freeze({ uid: 65534, gid: 65534 });

/** Probed once per process: `unshare -n` needs privileges that a laptop user may not have. */
export function probeSandboxCapabilities(): SandboxCapabilities {
  const works = (command: string, args: string[]) => spawnSync(command, args, { stdio: "ignore", timeout: 5000 }).status === 0;
  return {
    bubblewrap: works("bwrap", ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-net", "--unshare-pid", "--die-with-parent", "true"]),
    // A fresh network namespace has loopback down; generated HTTP tests listen on 127.0.0.1, so it must come up.
    // The fallback mounts too (a closed home's toolchains bound back for the sandbox user): a mount namespace.
    networkIsolation: works("unshare", ["-m", "-n", "-p", "-f", "--kill-child", "--", "sh", "-c", "ip link set lo up && mount -t tmpfs tmpfs /tmp"]),
    resourceLimits: works("prlimit", ["--nofile=256", "true"]),
    ...(process.getuid?.() === 0 && works("setpriv", [`--reuid=${sandboxUser.uid}`, `--regid=${sandboxUser.gid}`, "--clear-groups", "true"])
      ? { unprivilegedUser: sandboxUser }
      : {}),
  };
}

/**
 * Runs generated code: in its own process group (so a timeout kills every child it forked),
 * with rlimits on memory, processes, file size and CPU, without network where the kernel allows,
 * and with an environment that holds nothing but a PATH and a throwaway HOME: never a secret.
 */
export function runInSandbox(
  command: string[],
  options: {
    cwd: string;
    home: string;
    path: string;
    limits: SandboxLimits;
    capabilities: SandboxCapabilities;
    clock: { now(): number };
    /** The folder of this run (project copy, HOME, virtual environment): the only writable place. Defaults to cwd's parent. */
    root?: string;
    access?: SandboxAccess;
  },
): Promise<SandboxResult> {
  const { limits, capabilities } = options;
  const access = options.access ?? {};
  const allowNetwork = access.network === true;
  const wrapped: string[] = [];
  if (capabilities.bubblewrap) {
    wrapped.push(...bubblewrapArguments(options.root ?? path.dirname(options.cwd), options.cwd, access));
  } else if (capabilities.networkIsolation) {
    // A new PID namespace as well: when the test runner (its PID 1) ends, the kernel kills every process
    // left in it, even one that escaped the process group with setsid.
    const root = options.root ?? path.dirname(options.cwd);
    wrapped.push(...unshareArguments({ cwd: options.cwd, shown: { readOnly: access.readOnly ?? [], readWrite: [...(access.readWrite ?? []), root] }, network: allowNetwork, ...(capabilities.unprivilegedUser ? { user: capabilities.unprivilegedUser } : {}) }));
  }
  if (capabilities.unprivilegedUser) {
    const { uid, gid } = capabilities.unprivilegedUser;
    wrapped.push("setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--");
  }
  if (capabilities.resourceLimits) {
    wrapped.push(
      "prlimit",
      // RLIMIT_DATA, not RLIMIT_AS: node reserves large PROT_NONE regions (wasm, undici) that AS would count.
      `--data=${limits.memoryBytes}`,
      `--nproc=${limits.maxProcesses}`,
      `--fsize=${limits.maxFileBytes}`,
      `--cpu=${limits.cpuSeconds}`,
      "--core=0",
      "--",
    );
  }
  wrapped.push(...command);
  const started = options.clock.now();
  return new Promise((resolve) => {
    const child = spawn(wrapped[0]!, wrapped.slice(1), {
      cwd: options.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...access.env, PATH: options.path, HOME: options.home, LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1", NODE_OPTIONS: "", CI: "true", NO_COLOR: "1", TMPDIR: path.join(options.home, "tmp") },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      if (size >= limits.maxOutputBytes) return;
      chunks.push(chunk.subarray(0, limits.maxOutputBytes - size));
      size += chunk.length;
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, limits.timeoutMs);
    const finish = (exitCode: number | null, signal: string | null) => {
      clearTimeout(timer);
      // Children that outlive the test runner (a forked server, a fork bomb) go with the group.
      killGroup();
      resolve({
        exitCode,
        signal,
        timedOut,
        output: Buffer.concat(chunks).toString("utf8"),
        durationMs: options.clock.now() - started,
        network: allowNetwork || !(capabilities.bubblewrap || capabilities.networkIsolation) ? "host" : "none",
      });
    };
    child.on("error", (error) => {
      chunks.push(Buffer.from(`sandbox could not start ${command[0]}: ${error.message}\n`));
      finish(null, null);
    });
    child.on("close", finish);
  });
}

/**
 * bubblewrap: an empty root with only the system trees mounted read-only, fresh /tmp and /var/tmp,
 * then the toolchains' folders read-only and this run's folder (and, for the install, the download
 * cache) writable. An allow-list rather than "everything but these": a repository or a home in a
 * place nobody listed stays invisible. Its own PID namespace, so nothing outlives the command, and no
 * network unless the install phase asked for it. Loopback stays up inside the new network namespace.
 */
export function bubblewrapArguments(root: string, cwd: string, access: SandboxAccess): string[] {
  const args = ["bwrap"];
  for (const tree of systemTrees) {
    const entry = lstatIfExists(tree);
    if (!entry) continue;
    // Merged /usr: /bin is a link to usr/bin, and stays one, so paths resolve as on the host.
    if (entry.isSymbolicLink()) args.push("--symlink", readlinkSync(tree), tree);
    else args.push("--ro-bind", tree, tree);
  }
  // resolv.conf may point into /run (systemd-resolved); the install step needs it to reach a registry.
  if (access.network) for (const folder of resolverFolders()) args.push("--ro-bind", folder, folder);
  args.push("--dev", "/dev", "--proc", "/proc");
  // Temp folders writable for everyone, as on the host, but holding nothing of the host's.
  for (const tree of ["/tmp", "/var/tmp"]) args.push("--perms", "1777", "--tmpfs", tree);
  // bubblewrap makes the folders leading to a mount 0700; the unprivileged sandbox user must be able to pass through them.
  const shown = [...(access.readOnly ?? []), ...(access.readWrite ?? []), root].filter((folder) => existsSync(folder));
  const ancestors = new Set<string>();
  for (const folder of shown) {
    for (let parent = path.dirname(folder); parent !== "/" && parent !== "/tmp" && parent !== "/var/tmp" && hiddenFromSandbox(parent); parent = path.dirname(parent)) ancestors.add(parent);
  }
  for (const folder of [...ancestors].sort((a, b) => a.length - b.length)) args.push("--perms", "0755", "--dir", folder);
  for (const folder of access.readOnly ?? []) if (existsSync(folder)) args.push("--ro-bind", folder, folder);
  for (const folder of access.readWrite ?? []) if (existsSync(folder)) args.push("--bind", folder, folder);
  args.push("--bind", root, root, "--chdir", cwd, "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent");
  if (!access.network) args.push("--unshare-net");
  args.push("--");
  return args;
}

function lstatIfExists(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/** The folder a symlinked /etc/resolv.conf points into, when that lies outside the system trees. */
function resolverFolders(): string[] {
  try {
    const target = realpathSync("/etc/resolv.conf");
    return hiddenFromSandbox(target) ? [path.dirname(target)] : [];
  } catch {
    return [];
  }
}
