import { headers as natsHeaders, RequestStrategy, type MsgHdrs } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRegistry } from "../../agents/registry.ts";
import { unaddressableRunId } from "../../bus/headers.ts";
import { loadExampleScenario, type ExampleScenario, type ScenarioData } from "../e2e/support/example-scenarios.ts";
import { hostileBodies, hostileHeaders, seededRandom } from "./support/hostile-messages.ts";
import { startReliabilityHarness, type ReliabilityHarness } from "./support/reliability-harness.ts";
import { expectCompleteRun } from "./support/run-checks.ts";

const seed = Number(process.env.ASP_FUZZ_SEED ?? 20_240_611);
const agents = Object.keys(agentRegistry);
const decoder = new TextDecoder();

let harness: ReliabilityHarness;
let example: ExampleScenario;
let data: ScenarioData;

beforeAll(async () => {
  example = await loadExampleScenario("hello-python");
  data = example.data();
  data.latency = { timeToFirstTokenMs: 300, tokensPerSecond: 0 };
  harness = await startReliabilityHarness({ scenario: data, writers: 1 });
}, 240_000);

afterAll(async () => {
  await harness?.[Symbol.asyncDispose]();
});

function toHeaders(record: Record<string, string>): MsgHdrs | undefined {
  const entries = Object.entries(record);
  if (entries.length === 0) return undefined;
  const result = natsHeaders();
  for (const [name, value] of entries) result.set(name, value);
  return result;
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what} (seed ${seed})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe(`hostile messages on every subject the fleet listens on (seed ${seed})`, () => {
  it("every case is answered with an error, no process dies, and a real run alongside passes", async () => {
    const random = seededRandom(seed);
    const { connection, subjects } = harness;
    const js = connection.jetstream();
    const jsm = await connection.jetstreamManager();
    const maxPayload = connection.info!.max_payload;
    const nearLimit = maxPayload - 8 * 1024;

    const validRun = harness.run(example.task, "valid-alongside-fuzz", 180_000);

    // 1. Work queues, through JetStream: every body under good ids, every header set with a garbage body.
    const answerable: Array<{ agent: string; runId: string; jobId: string; name: string }> = [];
    const unaddressable: Array<{ agent: string; sequence: number; name: string }> = [];
    let caseCount = 0;
    for (const agent of agents) {
      const runId = `fuzz-${agent}`;
      let index = 0;
      const cases = [
        ...hostileBodies(random, nearLimit).map((body) => ({ ...body, headers: {} as Record<string, string>, unaddressable: false })),
        ...hostileHeaders(random, { runId, jobId: "x", agent }).map((header) => ({ ...header, body: new Uint8Array([0xff, 0x00, 0x7b]), unaddressable: header.unaddressable ?? false })),
      ];
      for (const hostile of cases) {
        const jobId = `${runId}-${index++}`;
        const headers = hostile.unaddressable
          ? hostile.headers
          : { ...hostile.headers, "Asp-Run-Id": runId, "Asp-Job-Id": jobId, "Asp-Agent": agent };
        const acknowledgement = await js.publish(subjects.job(agent), hostile.body, { headers: toHeaders(headers) });
        caseCount++;
        if (hostile.unaddressable) unaddressable.push({ agent, sequence: acknowledgement.seq, name: hostile.name });
        else answerable.push({ agent, runId, jobId, name: hostile.name });
      }
      // Over max_payload: the client refuses it before it reaches the server.
      await expect(js.publish(subjects.job(agent), new Uint8Array(maxPayload + 1))).rejects.toThrow(/MAX_PAYLOAD|payload/i);
      caseCount++;
    }

    // 2. Direct endpoints, by request: each gets a NATS service error reply.
    const directFailures: string[] = [];
    for (const agent of agents) {
      const headerCases = hostileHeaders(random, { runId: "direct-fuzz", jobId: "d", agent }).map((header) => ({ ...header, body: new Uint8Array([0x7b]) }));
      for (const hostile of [...hostileBodies(random, nearLimit).map((body) => ({ ...body, headers: {} as Record<string, string> })), ...headerCases]) {
        caseCount++;
        const reply = await connection.request(subjects.direct(agent), hostile.body, { timeout: 10_000, headers: toHeaders(hostile.headers) }).catch((error: Error) => error);
        if (reply instanceof Error) {
          directFailures.push(`${agent} / ${hostile.name}: no reply (${reply.message})`);
          continue;
        }
        const code = reply.headers?.get("Nats-Service-Error-Code");
        if (code !== "400" && code !== "500") directFailures.push(`${agent} / ${hostile.name}: reply without an error code`);
      }
    }
    expect(directFailures, `seed ${seed}`).toEqual([]);

    // 3. Control subjects, by request: each gets {ok: false, error}.
    const controlFailures: string[] = [];
    const commands = ["approve", "reject", "abort", "drop_tables", "x"];
    const runIds = ["no-such-run", "valid-alongside-fuzz", "fuzz-orchestrator"];
    const controlBodies = [
      ...hostileBodies(random, 64 * 1024).map((body) => body.body),
      new TextEncoder().encode(JSON.stringify({ gate: "design-review", decidedBy: "fuzzer", note: "approve everything" })),
      new TextEncoder().encode(JSON.stringify({ gate: 42 })),
    ];
    for (const command of commands) {
      for (const runId of runIds) {
        for (const body of controlBodies.slice(0, command === "approve" ? controlBodies.length : 6)) {
          caseCount++;
          const reply = await connection.request(subjects.control(runId, command), body, { timeout: 10_000 }).catch((error: Error) => error);
          if (reply instanceof Error) {
            controlFailures.push(`${runId}.${command}: no reply (${reply.message})`);
            continue;
          }
          const answer = JSON.parse(decoder.decode(reply.data)) as { ok: boolean; error?: string };
          if (answer.ok !== false || !answer.error) controlFailures.push(`${runId}.${command}: ${decoder.decode(reply.data)}`);
        }
      }
    }
    expect(controlFailures, `seed ${seed}`).toEqual([]);
    expect(caseCount).toBeGreaterThan(300);

    // Every answerable job got an error result and a job.failed / job.dead_letter event with the reason.
    for (const job of answerable) {
      const result = await waitUntil(`the result of ${job.jobId} (${job.name})`, () =>
        jsm.streams.getMessage(subjects.resultsStream, { last_by_subj: subjects.result(job.runId, job.agent, job.jobId) }).catch(() => undefined),
      );
      expect(result.header.get("Nats-Service-Error-Code"), `${job.jobId} (${job.name})`).toMatch(/^(400|500)$/);
    }
    for (const agent of agents) {
      const events = await harness.readEvents(`fuzz-${agent}`);
      for (const job of answerable.filter((candidate) => candidate.agent === agent)) {
        const failure = events.find((event) => event.jobId === job.jobId && (event.type === "job.failed" || event.type === "job.dead_letter"));
        expect(failure, `error event of ${job.jobId} (${job.name})`).toBeDefined();
        expect(String(failure!.data.reason)).not.toBe("");
      }
    }
    const rejected = await harness.readEvents(unaddressableRunId);
    for (const job of unaddressable) {
      const event = rejected.find((candidate) => candidate.agent === job.agent && candidate.jobId === `seq-${job.sequence}`);
      expect(event?.type, `dead letter of ${job.agent} #${job.sequence} (${job.name})`).toBe("job.dead_letter");
      expect(String(event!.data.reason)).toMatch(/header/);
    }

    // The valid run was unaffected.
    await expectCompleteRun(harness, data, await validRun);

    // Nothing crashed: every process is alive and answers $SRV.PING.
    const dead = harness.fleet.processes.filter((process) => process.child.exitCode !== null || process.child.signalCode !== null);
    expect(dead.map((process) => process.name)).toEqual([]);
    const pinged = new Set<string>();
    for await (const identity of await connection.services.client({ strategy: RequestStrategy.Timer, maxWait: 2000 }).ping()) pinged.add(String(identity.metadata?.instance));
    for (const process of harness.fleet.processes) expect(pinged.has(String(process.instance)), `${process.name} answers PING`).toBe(true);
  }, 240_000);
});
