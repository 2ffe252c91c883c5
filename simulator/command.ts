import { parseArgs } from "node:util";
import { startModelSimulator } from "./server.ts";

export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const usage = "usage: asp sim --scenario FILE [--port N] [--host HOST] [--transcript FILE] [--seed N] [--usage-window-ms N]\n";

/**
 * `asp sim`: serves a scenario until SIGINT/SIGTERM. Resolves with the exit code; bad arguments
 * return 2 with a message instead of throwing.
 */
export async function simCommand(argv: string[], io: CommandIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  let values: { scenario?: string; port?: string; host?: string; transcript?: string; seed?: string; "usage-window-ms"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        transcript: { type: "string" },
        seed: { type: "string" },
        "usage-window-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  if (!values.scenario) {
    io.stderr.write(`--scenario is required\n${usage}`);
    return 2;
  }
  const port = parseInteger(values.port, "--port", io);
  const seed = parseInteger(values.seed, "--seed", io);
  const usageWindowMs = parseInteger(values["usage-window-ms"], "--usage-window-ms", io);
  if (port === null || seed === null || usageWindowMs === null) return 2;
  if (usageWindowMs !== undefined && usageWindowMs < 1) {
    io.stderr.write(`--usage-window-ms must be at least 1 (got ${usageWindowMs})\n`);
    return 2;
  }
  if (port !== undefined && (port < 0 || port > 65535)) {
    io.stderr.write(`--port must be between 0 and 65535 (got ${port})\n`);
    return 2;
  }

  let simulator;
  try {
    simulator = await startModelSimulator({
      scenario: values.scenario,
      ...(port !== undefined ? { port } : {}),
      ...(values.host ? { host: values.host } : {}),
      ...(values.transcript ? { transcriptPath: values.transcript } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(usageWindowMs !== undefined ? { usageWindowMs } : {}),
    });
  } catch (error) {
    io.stderr.write(`cannot start the model simulator: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout.write(`model simulator listening on ${simulator.url}\n`);

  const signal = await new Promise<string>((resolve) => {
    const stop = (name: string) => () => {
      signals.off("SIGINT", onInterrupt);
      signals.off("SIGTERM", onTerminate);
      resolve(name);
    };
    const onInterrupt = stop("SIGINT");
    const onTerminate = stop("SIGTERM");
    signals.on("SIGINT", onInterrupt);
    signals.on("SIGTERM", onTerminate);
  });
  await simulator.close();
  const stats = simulator.stats();
  io.stdout.write(`model simulator stopped (${signal}) after ${stats.requests} requests\n`);
  return 0;
}

/** undefined when absent, null (after printing why) when malformed. */
function parseInteger(text: string | undefined, flag: string, io: CommandIo): number | undefined | null {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) {
    io.stderr.write(`${flag} must be an integer (got "${text}")\n`);
    return null;
  }
  return value;
}
