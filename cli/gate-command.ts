import { parseArgs } from "node:util";
import { readBusConfig } from "../bus/config.ts";
import { connectToBus } from "../bus/connect.ts";
import { createSubjects } from "../bus/subjects.ts";
import { gateDecisionReplySchema } from "../schemas/run.ts";
import type { CommandIo } from "./command-io.ts";
import { withFleetAddress } from "./fleet-address.ts";
import { decideGate, decidedByUser, gateDecidedMessage, type GateDecision } from "./gate-decision.ts";
import { cliLogger } from "./run-command.ts";

/** `asp approve|reject <runId> <gate> [--note TEXT]`: decides a run waiting at a human gate. */
export async function gateCommand(decision: GateDecision, argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const usage = `usage: asp ${decision} <runId> <gate> [--note TEXT]\n`;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { note: { type: "string", default: "" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const [runId, gate] = parsed.positionals;
  if (parsed.values.help) {
    io.stdout.write(usage);
    return 0;
  }
  if (!runId || !gate || parsed.positionals.length > 2) {
    io.stderr.write(usage);
    return 2;
  }
  const resolvedEnv = await withFleetAddress(env);
  const bus = readBusConfig(resolvedEnv);
  let connection;
  try {
    connection = await connectToBus(bus, { logger: cliLogger(env, io), name: `asp-${decision}` });
    const reply = gateDecisionReplySchema.safeParse(await decideGate(connection, createSubjects(bus.namespace), runId, gate, decision, parsed.values.note, { decidedBy: decidedByUser("cli") }));
    if (!reply.success) {
      io.stderr.write(`asp ${decision}: the orchestrator's reply was not understood\n`);
      return 2;
    }
    if (!reply.data.ok) {
      io.stderr.write(`asp ${decision}: ${reply.data.error}\n`);
      return 1;
    }
    io.stdout.write(`${gateDecidedMessage(decision, reply.data.gate, runId)}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`asp ${decision}: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await connection?.drain().catch(() => undefined);
  }
}
