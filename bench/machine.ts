import { execFile } from "node:child_process";
import { cpus, freemem, platform, release, totalmem, arch } from "node:os";
import { findNatsServerBinary } from "../bus/local-server.ts";

export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  os: string;
  natsServer: string;
}

/** What a benchmark ran on, so numbers from different machines are never compared blindly. */
export async function describeMachine(): Promise<MachineDescription> {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? "unknown",
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    natsServer: await natsServerVersion(),
  };
}

function natsServerVersion(): Promise<string> {
  const binary = findNatsServerBinary();
  if (!binary) return Promise.resolve("not installed");
  return new Promise((resolve) => {
    execFile(binary, ["--version"], { timeout: 3000 }, (error, stdout) => resolve(error ? "unknown" : stdout.trim()));
  });
}
