import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { headerNames, headersToRecord, recordToHeaders } from "../bus/headers.ts";
import { createPayloadStore } from "../bus/large-payload.ts";
import { assertToken } from "../bus/subjects.ts";
import type { CommandIo } from "./command-io.ts";
import { openBus } from "./watch/open-bus.ts";

const usage = `usage: asp call AGENT [JSON | --input FILE] [--timeout MS] [--run-id ID]
  Sends one input to one agent of the running fleet through its direct endpoint (<ns>.direct.<agent>)
  and prints its output as JSON: for trying an agent, a prompt or a plug-in by hand. Nothing goes
  through the work queue and nothing is stored as a job result; the agent's events (its model calls)
  are still recorded, under run "direct" unless --run-id says otherwise. --input - reads stdin.
`;

const defaultTimeoutMs = 120_000;
const decoder = new TextDecoder();

async function readInput(positional: string | undefined, inputPath: string | undefined): Promise<string> {
  if (positional !== undefined && inputPath !== undefined) throw new Error("give the input as JSON or with --input FILE, not both");
  if (inputPath === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  if (inputPath !== undefined) return readFile(inputPath, "utf8");
  if (positional !== undefined) return positional;
  throw new Error("no input: give it as JSON or with --input FILE");
}

/** `asp call`: the stated user of the direct endpoint (docs/decisions/1301-direct-endpoint-and-jobs-endpoint.md). */
export async function callCommand(argv: string[], io: CommandIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { input: { type: "string" }, timeout: { type: "string", default: String(defaultTimeoutMs) }, "run-id": { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const [agent, positional, ...extra] = parsed.positionals;
  const timeoutMs = Number(parsed.values.timeout);
  let body: string;
  try {
    if (!agent) throw new Error("which agent? e.g. asp call planning '{...}'");
    if (extra.length > 0) throw new Error(`unexpected argument ${extra[0]}`);
    assertToken(agent, "agent");
    if (parsed.values["run-id"] !== undefined) assertToken(parsed.values["run-id"], "run id");
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100) throw new Error(`--timeout must be a whole number of milliseconds, at least 100 (got ${parsed.values.timeout})`);
    body = await readInput(positional, parsed.values.input);
    JSON.parse(body);
  } catch (error) {
    io.stderr.write(`asp call: ${error instanceof SyntaxError ? `the input is not JSON: ${error.message}` : (error as Error).message}\n${usage}`);
    return 2;
  }
  const session = await openBus(env, "asp-call");
  try {
    const headers = recordToHeaders(parsed.values["run-id"] ? { [headerNames.runId]: parsed.values["run-id"] } : {});
    let reply;
    try {
      reply = await session.connection.request(session.subjects.direct(agent), new TextEncoder().encode(body), { timeout: timeoutMs, headers });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "503") {
        io.stderr.write(`asp call: no ${agent} agent answers on ${session.natsUrl} (namespace ${session.subjects.namespace}): is the fleet up? Start one with 'asp up'\n`);
        return 2;
      }
      if (code === "TIMEOUT") {
        io.stderr.write(`asp call: ${agent} did not answer within ${timeoutMs} ms (--timeout)\n`);
        return 1;
      }
      throw error;
    }
    const replyHeaders = headersToRecord(reply.headers);
    const serviceCode = replyHeaders[headerNames.serviceErrorCode];
    if (serviceCode !== undefined) {
      io.stderr.write(`asp call: ${agent} answered ${serviceCode} (${replyHeaders[headerNames.errorCode] ?? "error"}): ${replyHeaders[headerNames.serviceError] ?? decoder.decode(reply.data)}\n`);
      return 1;
    }
    // A large output comes as a reference into the object store, as job results do.
    const output = await createPayloadStore({ connection: session.connection, subjects: session.subjects }).fromMessage(reply.data, replyHeaders);
    const text = decoder.decode(output);
    try {
      io.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    } catch {
      io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    }
    return 0;
  } finally {
    await session.close();
  }
}
