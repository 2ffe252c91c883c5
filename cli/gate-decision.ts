import os from "node:os";
import type { NatsConnection } from "nats";
import { BusError, ValidationError } from "../errors/index.ts";
import type { Subjects } from "../bus/subjects.ts";
import { gateDecisionReplySchema, gateDecisionRequestSchema, type GateDecisionReply } from "../schemas/run.ts";

export type GateDecision = "approve" | "reject";

/** Who decided, as the postmortem records it: the person at this machine, and through which client (cli, mcp). */
export const decidedByUser = (client: string) => `${os.userInfo().username}@${os.hostname()} (${client})`;

/** What a client says once the orchestrator accepted a decision. */
export const gateDecidedMessage = (decision: GateDecision, gate: string, runId: string) => `${decision === "approve" ? "approved" : "rejected"} gate ${gate} of run ${runId}`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A human's decision on a waiting gate: a core NATS request on `<ns>.control.<runId>.<decision>`
 * with `{gate, note, decidedBy}` (schemas/run.ts gateDecisionRequestSchema). The orchestrator holding
 * the run answers `{ok, ...}`; the reply is returned as is, so `ok: false` (no such gate waiting) is
 * for the caller to show, while a missing or malformed answer throws.
 */
export async function decideGate(
  connection: NatsConnection,
  subjects: Subjects,
  runId: string,
  gate: string,
  decision: GateDecision,
  note = "",
  options: { decidedBy?: string; timeoutMs?: number } = {},
): Promise<GateDecisionReply> {
  if (decision !== "approve" && decision !== "reject") throw new ValidationError(`decision must be "approve" or "reject" (got ${JSON.stringify(decision)})`);
  if (!gate) throw new ValidationError("a gate decision needs the gate (stage id) it decides");
  const subject = subjects.control(runId, decision);
  const request = gateDecisionRequestSchema.safeParse({ gate, ...(note ? { note } : {}), decidedBy: options.decidedBy ?? "dashboard" });
  if (!request.success) throw new ValidationError(`gate decision fails its schema: ${request.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  const body = request.data;
  let reply;
  try {
    reply = await connection.request(subject, encoder.encode(JSON.stringify(body)), { timeout: options.timeoutMs ?? 5000 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === "503" ? "no orchestrator is listening for this run's decisions (is the run waiting at a gate?)" : (error as Error).message;
    throw new BusError(`could not ${decision} gate ${gate} of run ${runId}: ${reason}`, { cause: error, retryable: code !== "503" });
  }
  const text = decoder.decode(reply.data);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ValidationError(`the answer to the ${decision} of gate ${gate} is not JSON: ${text.slice(0, 200)}`);
  }
  const parsed = gateDecisionReplySchema.safeParse(json);
  if (!parsed.success) throw new ValidationError(`the answer to the ${decision} of gate ${gate} fails its schema: ${text.slice(0, 200)}`);
  return parsed.data;
}
