import type { NatsConnection, Subscription } from "nats";
import type { Logger } from "pino";
import type { EventPublisher } from "../../bus/events.ts";
import type { Subjects } from "../../bus/subjects.ts";
import { gateDecisionRequestSchema, type GateDecisionReply } from "../../schemas/run.ts";
import type { RunStore } from "../shared/run-store.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Answers human gate decisions. A decision is checked against the run's state (is it waiting at
 * that gate?) and then recorded as a `gate.decided` event in JetStream, which is what the waiting
 * run reads: the decision survives an orchestrator restart, and the reply tells the human at once.
 */
export function listenForGateDecisions(options: { connection: NatsConnection; subjects: Subjects; runs: RunStore; events: EventPublisher; logger: Logger }): Subscription {
  const { connection, subjects, runs, events, logger } = options;
  return connection.subscribe(`${subjects.namespace}.control.*.*`, {
    queue: "orchestrator-control",
    callback: (error, message) => {
      if (error) return;
      const [, , runId, command] = message.subject.split(".");
      const respond = (reply: GateDecisionReply) => message.respond(encoder.encode(JSON.stringify(reply)));
      void (async () => {
        if (command !== "approve" && command !== "reject") return respond({ ok: false, error: `unknown control command "${command}": use approve or reject` });
        let body: unknown;
        try {
          body = JSON.parse(decoder.decode(message.data));
        } catch {
          return respond({ ok: false, error: "the decision is not valid JSON" });
        }
        const parsed = gateDecisionRequestSchema.safeParse(body);
        if (!parsed.success) return respond({ ok: false, error: `the decision is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}` });
        const state = await runs.get(runId!);
        if (!state) return respond({ ok: false, error: `there is no run ${runId}` });
        if (state.status !== "waiting" || !state.waiting) return respond({ ok: false, error: `run ${runId} is not waiting at a gate (it is ${state.status})` });
        if (state.waiting.stage !== parsed.data.gate) return respond({ ok: false, error: `run ${runId} is waiting at gate ${state.waiting.stage}, not ${parsed.data.gate}` });
        await events.publish({
          runId: runId!,
          agent: "orchestrator",
          type: "gate.decided",
          data: { stage: state.waiting.stage, round: state.waiting.round, decision: command, note: parsed.data.note ?? "", decidedBy: parsed.data.decidedBy },
        });
        return respond({ ok: true, runId: runId!, gate: state.waiting.stage, decision: command });
      })().catch((failure: unknown) => {
        logger.error({ err: failure, subject: message.subject }, "gate decision failed");
        respond({ ok: false, error: `the decision could not be recorded: ${(failure as Error).message}` });
      });
    },
  });
}
