import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { attemptStartedEvent } from "../../agents/shared/attempt-costs.ts";
import { jobCancelledEvent } from "../../bus/job-cancellation.ts";
import { eventTypes } from "../../schemas/event.ts";
import { eventCatalogue, isCatalogueEventType, isExtensionEventType } from "../../schemas/events/index.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const scannedFolders = ["agents", "bus", "cli", "llm", "deploy", "bench", "examples", "simulator", "tests/fixtures"];

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|js)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Event-type constants the sources pass instead of a literal; a name not listed here fails the scan. */
const namedTypes: Record<string, string> = {
  attemptStartedEvent,
  jobCancelledEvent,
  ...Object.fromEntries(Object.entries(eventTypes).map(([name, type]) => [`eventTypes.${name}`, type])),
};

/** Every string literal, or named constant, in one argument expression (a ternary gives two). */
function typesIn(expression: string, where: string): string[] {
  // In `condition ? "a" : "b"` only the branches are types.
  const branches = expression.includes("?") ? expression.slice(expression.indexOf("?") + 1) : expression;
  const literals = [...branches.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
  if (literals.length > 0) return literals;
  const name = expression.trim();
  const type = namedTypes[name];
  if (type === undefined) throw new Error(`${where}: event type ${name} is neither a literal nor a known constant; add it to namedTypes`);
  return [type];
}

/** The text of the object literal opened at `start` (a "{"), braces balanced. */
function objectAt(text: string, start: number): string {
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    if (text[index] === "{") depth++;
    else if (text[index] === "}" && --depth === 0) return text.slice(start, index + 1);
  }
  return text.slice(start);
}

/** Each event type the sources emit: `emit(TYPE, …)` calls and `.publish({ … type: TYPE … })` events. */
function emittedTypes(): Array<{ type: string; where: string }> {
  const found: Array<{ type: string; where: string }> = [];
  for (const folder of scannedFolders) {
    for (const file of sourceFiles(folder)) {
      const text = readFileSync(file, "utf8");
      const where = path.relative(root, file);
      for (const match of text.matchAll(/\bemit\(\s*([^,()]+?)\s*,/g)) {
        // `emit(type, data)` inside a runtime's own emit helper forwards a parameter, it names no type.
        if (match[1] === "type") continue;
        for (const type of typesIn(match[1]!, where)) found.push({ type, where });
      }
      for (const match of text.matchAll(/\.publish\(\s*\{/g)) {
        const body = objectAt(text, match.index + match[0].length - 1);
        const type = body.match(/\btype(?::\s*([^,\n}]+))?[,\n}]/);
        if (!type) continue;
        // `{ ..., type, ... }` forwards a variable named type (the runtime's emit helper).
        if (type[1] === undefined) continue;
        for (const literal of typesIn(type[1], where)) found.push({ type: literal, where });
      }
    }
  }
  return found;
}

describe("the event catalogue", () => {
  const emitted = emittedTypes();

  it("finds the emits in the sources (the scan itself works)", () => {
    const types = new Set(emitted.map((entry) => entry.type));
    // One of each kind of emit: a literal, a ternary, a named constant, and a direct publish.
    for (const expected of ["llm.call", "run.completed", "run.failed", "run.attempt_started", "job.cancelled", "job.dead_letter", "gate.decided", "file.written"]) {
      expect(types, expected).toContain(expected);
    }
    expect(emitted.length).toBeGreaterThan(30);
  });

  it("has every event type emitted anywhere in the source tree", () => {
    const missing = emitted.filter((entry) => !isCatalogueEventType(entry.type) && !isExtensionEventType(entry.type));
    expect(missing.map((entry) => `${entry.where}: ${entry.type}`)).toEqual([]);
  });

  it("has no entry that nothing emits", () => {
    const types = new Set(emitted.map((entry) => entry.type));
    expect(Object.keys(eventCatalogue).filter((type) => !types.has(type))).toEqual([]);
  });
});
