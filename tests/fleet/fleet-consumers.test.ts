import { runToyAgent } from "../fixtures/toy-agent/run-in-process.ts";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NatsConnection, Subscription } from "nats";
import { afterAll, describe, expect, it } from "vitest";
import { agentRegistry, registrations } from "../../agents/registry.ts";
import { jobConsumerConfig } from "../../bus/job-consumer.ts";
import { resourcesReadyVariable } from "../../bus/resources.ts";
import { ensureBuild } from "../../cli/build/ensure-build.ts";
import { ensureFleetConsumers } from "../../cli/fleet-consumers.ts";
import { spawnAgentProcess, stopProcess, type FleetProcess } from "../../cli/fleet.ts";
import { setupBus, type TestBus } from "../support/nats.ts";

const nanosecondsPerMillisecond = 1_000_000;
const logDirectory = mkdtempSync(path.join(os.tmpdir(), "asp-fleet-consumers-"));
const spawned: FleetProcess[] = [];
afterAll(async () => {
  for (const process of spawned) await stopProcess(process, 5000);
});

/** Every JetStream consumer API request on this bus's jobs stream, by its verb: INFO, CREATE, DURABLE.CREATE. */
function watchConsumerApi(connection: NatsConnection, jobsStream: string): { verbs: () => string[]; subscription: Subscription } {
  const seen: string[] = [];
  const subscription = connection.subscribe("$JS.API.CONSUMER.>", {
    callback: (error, message) => {
      // MSG.NEXT is a pull for jobs, not a look-up.
      if (error || !message.subject.includes(`.${jobsStream}.`) || message.subject.startsWith("$JS.API.CONSUMER.MSG.NEXT.")) return;
      // $JS.API.CONSUMER.<verb…>.<stream>.<consumer>[.<filter>]: the verb is what lies before the stream.
      const afterPrefix = message.subject.slice("$JS.API.CONSUMER.".length);
      seen.push(afterPrefix.slice(0, afterPrefix.indexOf(`.${jobsStream}.`)));
    },
  });
  return { verbs: () => [...seen], subscription };
}

async function flushed(bus: TestBus) {
  await bus.connection.flush();
}

function toyAgent(bus: TestBus, ackWaitMs: number) {
  return runToyAgent(bus, { pullExpiresMs: 1000, ackWaitMs });
}

describe("the fleet's starter creates the consumers; its agents only look theirs up (decision 1415)", () => {
  it("creates every built-in agent's durable consumer with its settings, and ASP_ACK_WAIT_MS from the agents' environment", async () => {
    await using bus = await setupBus();
    await ensureFleetConsumers(bus.connection, bus.subjects, registrations, { ASP_ACK_WAIT_MS: "4000" });
    const jsm = await bus.connection.jetstreamManager();
    for (const registration of registrations) {
      const info = await jsm.consumers.info(bus.subjects.jobsStream, bus.subjects.consumerName(registration.name));
      expect(info.config.filter_subject, registration.name).toBe(bus.subjects.job(registration.name));
      expect(info.config.ack_wait, registration.name).toBe(4000 * nanosecondsPerMillisecond);
      expect(info.config.max_deliver, registration.name).toBe(registration.jobConsumer.maxDeliver);
    }
    // The orchestrator's own delivery budget differs from the others': it is the registration's, not a default.
    expect(agentRegistry.orchestrator!.jobConsumer.maxDeliver).not.toBe(agentRegistry.planning!.jobConsumer.maxDeliver);
    await expect(ensureFleetConsumers(bus.connection, bus.subjects, registrations, { ASP_ACK_WAIT_MS: "soon" })).rejects.toThrow(/ASP_ACK_WAIT_MS: must be a whole number/);
  });

  it("an agent of the fleet makes one look-up at start-up: no create, no update", async () => {
    await using bus = await setupBus();
    const writer = agentRegistry["file-writer"]!;
    await ensureFleetConsumers(bus.connection, bus.subjects, [writer], {});
    const api = watchConsumerApi(bus.connection, bus.subjects.jobsStream);
    await flushed(bus);
    await ensureBuild();
    const process = await spawnAgentProcess("file-writer", 0, {
      env: { ...globalThis.process.env, ...bus.env, [resourcesReadyVariable]: "1", ASP_LLM_BASE_URL: "http://127.0.0.1:9", ANTHROPIC_API_KEY: "", ASP_LOG_LEVEL: "warn" },
      logDirectory,
      readyTimeoutMs: 60_000,
    });
    spawned.push(process);
    await flushed(bus);
    expect(api.verbs()).toEqual(["INFO"]);
    api.subscription.unsubscribe();
  }, 90_000);

  it("a standalone agent (no starter) creates its consumer, and one whose settings changed updates it", async () => {
    await using bus = await setupBus();
    const api = watchConsumerApi(bus.connection, bus.subjects.jobsStream);
    const first = await toyAgent(bus, 3000);
    await flushed(bus);
    const jsm = await bus.connection.jetstreamManager();
    const consumerName = bus.subjects.consumerName("toy");
    expect((await jsm.consumers.info(bus.subjects.jobsStream, consumerName)).config.ack_wait).toBe(3000 * nanosecondsPerMillisecond);
    expect(api.verbs().some((verb) => verb.includes("CREATE"))).toBe(true);
    await first.stop();

    const before = api.verbs().length;
    const same = await toyAgent(bus, 3000);
    await flushed(bus);
    // The same settings again: the look-up alone.
    expect(api.verbs().slice(before)).toEqual(["INFO"]);
    await same.stop();

    const changed = await toyAgent(bus, 6000);
    await flushed(bus);
    expect((await jsm.consumers.info(bus.subjects.jobsStream, consumerName)).config.ack_wait).toBe(6000 * nanosecondsPerMillisecond);
    await changed.stop();
    api.subscription.unsubscribe();
    // Both sides build the consumer from one function: what the starter would create is what the agent wants.
    expect(jobConsumerConfig(bus.subjects, "toy", { ackWaitMs: 6000, maxDeliver: 3 }).ack_wait).toBe(6000 * nanosecondsPerMillisecond);
  });
});
