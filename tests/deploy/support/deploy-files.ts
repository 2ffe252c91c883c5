import { execFile } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const deployDirectory = path.join(repositoryRoot, "deploy");
export const natsConfigDirectory = path.join(deployDirectory, "nats");

const run = promisify(execFile);

/** `nats-server -t -c file`: parses the whole config, includes and variable references, without starting. */
export async function checkNatsConfig(file: string, env: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run("nats-server", ["-t", "-c", file], { env: { ...process.env, ...env }, timeout: 10_000 });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}${failure.message}` };
  }
}

/** A port nobody listens on right now (bound, then released); good enough on loopback for a test. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
