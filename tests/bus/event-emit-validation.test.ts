import type { NatsConnection } from "nats";
import { describe, expect, it } from "vitest";
import { createEventPublisher } from "../../bus/events.ts";
import { createSubjects } from "../../bus/subjects.ts";
import type { JobContext } from "../../bus/define-agent.ts";
import { ValidationError } from "../../errors/index.ts";
import { checkEmittedData } from "../../schemas/events/index.ts";
import { eventData } from "../support/event-fixtures.ts";

/** A connection whose JetStream only records what would have been published: the check runs before any I/O. */
function recordingPublisher() {
  const subjects: string[] = [];
  const connection = {
    jetstream: () => ({
      publish: async (subject: string) => {
        subjects.push(subject);
        return { seq: subjects.length };
      },
    }),
  } as unknown as NatsConnection;
  const publisher = createEventPublisher({ connection, subjects: createSubjects("asp"), clock: { now: () => Date.parse("2025-01-01T10:00:00Z") }, instanceId: "test" });
  return { publisher, subjects };
}

const envelope = { runId: "run-1", agent: "planning", jobId: "job-1", attempt: 1 };

describe("emitting an event through the catalogue", () => {
  it("refuses an unknown event type with a ValidationError naming it, and publishes nothing", async () => {
    const { publisher, subjects } = recordingPublisher();
    // @ts-expect-error "plan.finished" is not a catalogue type: the compiler refuses it too.
    const emitted = publisher.publish({ ...envelope, type: "plan.finished", data: {} });
    await expect(emitted).rejects.toBeInstanceOf(ValidationError);
    await expect(emitted).rejects.toThrow(/unknown event type "plan\.finished"/);
    expect(subjects).toEqual([]);
  });

  it("refuses data that does not match its type's schema: a missing field, a wrong type, a misspelt name", async () => {
    const { publisher, subjects } = recordingPublisher();
    const { costUsd: _left, ...withoutCost } = eventData("llm.call");
    // @ts-expect-error costUsd is required by llm.call's schema.
    await expect(publisher.publish({ ...envelope, type: "llm.call", data: withoutCost })).rejects.toThrow(/event llm\.call: data does not match its schema: costUsd/);
    // @ts-expect-error costUsd is a number.
    await expect(publisher.publish({ ...envelope, type: "llm.call", data: { ...eventData("llm.call"), costUsd: "0.5" } })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      // @ts-expect-error costUSD is not a field of llm.call (the reader would look for costUsd).
      publisher.publish({ ...envelope, type: "run.budget_exceeded", data: { ...eventData("run.budget_exceeded"), costUSD: 0.5 } }),
    ).rejects.toThrow(/field\(s\) its schema does not name: costUSD/);
    expect(subjects).toEqual([]);
  });

  it("publishes valid data of a catalogue type, and a plug-in's x. type with free data", async () => {
    const { publisher, subjects } = recordingPublisher();
    const event = await publisher.publish({ ...envelope, type: "run.budget_exceeded", data: eventData("run.budget_exceeded", { spentUsd: 0.61 }) });
    expect(event.data).toMatchObject({ spentUsd: 0.61 });
    await publisher.publish({ ...envelope, agent: "review-license", type: "x.license-check.scanned", data: { files: 3, anything: ["goes"] } });
    expect(subjects).toEqual(["asp.events.run-1.planning.run.budget_exceeded", "asp.events.run-1.review-license.x.license-check.scanned"]);
    // "x." alone names no plug-in event, and an x. event's data is still a JSON object.
    expect(() => checkEmittedData("x.", {})).toThrow(/unknown event type/);
    expect(() => checkEmittedData("x.plugin.thing", ["not", "an", "object"])).toThrow(/must be a JSON object/);
  });

  it("types JobContext.emit by the catalogue at compile time", () => {
    // Never called: only what the compiler says about each line matters (tsc -p . fails on an unused @ts-expect-error).
    const compileOnly = (context: JobContext) => {
      void context.emit("tests.finished", { verdict: "PASS", passed: 1, failed: 0, total: 1, runner: "pytest" });
      void context.emit("x.my-plugin.note", { free: true });
      // @ts-expect-error an unknown type
      void context.emit("tests.done", {});
      // @ts-expect-error verdict must be PASS or FAIL
      void context.emit("tests.finished", { verdict: "OK", passed: 1, failed: 0, total: 1, runner: "pytest" });
    };
    expect(typeof compileOnly).toBe("function");
  });
});
