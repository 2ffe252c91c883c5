import { spawn } from "node:child_process";
import { repositoryRoot } from "./example-scenarios.ts";

export interface FinishedCommand {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Variables of the shell running the tests that would point the command at another fleet, model or namespace. */
const inheritedVariablesToDrop = /^(NATS_|ASP_|ANTHROPIC_)/;

/**
 * `asp <args>` as a user starts it: a real process, the shell's environment without NATS_URL, ASP_* or the
 * API key (so `asp run` brings up its own server, model and fleet), plus `env`. It is killed after `timeoutMs`.
 */
export function runAsp(args: string[], env: Record<string, string> = {}, timeoutMs = 150_000): Promise<FinishedCommand> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inheritedVariablesToDrop.test(name)));
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { cwd: repositoryRoot, env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`asp ${args[0]} did not finish in time; stderr:\n${stderr.slice(-3000)}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
