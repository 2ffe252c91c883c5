import { spawn, spawnSync } from "node:child_process";

export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
  maxProcesses: number;
  maxFileBytes: number;
  cpuSeconds: number;
  maxOutputBytes: number;
}

export const defaultSandboxLimits: SandboxLimits = Object.freeze({
  timeoutMs: 60_000,
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

export interface SandboxCapabilities {
  networkIsolation: boolean;
  resourceLimits: boolean;
  /** Running as root: generated code runs as this unprivileged uid/gid instead (root ignores RLIMIT_NPROC). */
  unprivilegedUser?: { uid: number; gid: number };
}

/** nobody/nogroup on Debian. */
export const sandboxUser = Object.freeze({ uid: 65534, gid: 65534 });

/** Probed once per process: `unshare -n` needs privileges that a laptop user may not have. */
export function probeSandboxCapabilities(): SandboxCapabilities {
  const works = (command: string, args: string[]) => spawnSync(command, args, { stdio: "ignore", timeout: 5000 }).status === 0;
  return {
    // A fresh network namespace has loopback down; generated HTTP tests listen on 127.0.0.1, so it must come up.
    networkIsolation: works("unshare", ["-n", "-p", "-f", "--kill-child", "--", "sh", "-c", "ip link set lo up"]),
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
  options: { cwd: string; home: string; path: string; limits: SandboxLimits; capabilities: SandboxCapabilities; clock: { now(): number } },
): Promise<SandboxResult> {
  const { limits, capabilities } = options;
  const wrapped: string[] = [];
  // A new PID namespace as well: when the test runner (its PID 1) ends, the kernel kills every process
  // left in it, even one that escaped the process group with setsid.
  if (capabilities.networkIsolation) wrapped.push("unshare", "-n", "-p", "-f", "--kill-child", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sandbox");
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
      env: { PATH: options.path, HOME: options.home, LANG: "C.UTF-8", PYTHONDONTWRITEBYTECODE: "1", NODE_OPTIONS: "", CI: "true", NO_COLOR: "1" },
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
        network: capabilities.networkIsolation ? "none" : "host",
      });
    };
    child.on("error", (error) => {
      chunks.push(Buffer.from(`sandbox could not start ${command[0]}: ${error.message}\n`));
      finish(null, null);
    });
    child.on("close", finish);
  });
}
