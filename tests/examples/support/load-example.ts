import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { taskSchema, type Task } from "../../../schemas/task.ts";
import { planDraftSchema, type PlanDraft } from "../../../schemas/plan.ts";
import { designSchema, type Design } from "../../../schemas/design.ts";
import { reviewerReplySchema, type ReviewerReply } from "../../../schemas/review.ts";
import { manifestSchema, type Manifest } from "../../../schemas/manifest.ts";
import { improvementProposalSchema, type ImprovementProposal } from "../../../schemas/postmortem.ts";

export const examplesDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../examples");

export const reviewerKeys = ["review-security", "review-maintainability", "review-architecture"] as const;
export const reviewGates = ["design", "code"] as const;

/** An example as the pipeline would see it: every structured reply parsed by its schema, every file text. */
export interface LoadedExample {
  name: string;
  scenarioPath: string;
  /** The scenario exactly as parsed from its file, before any schema defaults. */
  raw: Record<string, unknown>;
  task: Task;
  scenarioTask: Task;
  plan: PlanDraft;
  design: Design;
  reviews: Map<string, ReviewerReply>;
  manifest: Manifest;
  postmortem: ImprovementProposal;
  files: Map<string, string>;
}

/** The only agent keys a happy-path scenario should hold: anything else is a typo the simulator would never match. */
export function expectedAgentKeys(): string[] {
  return ["planning", "design", ...reviewerKeys.flatMap((key) => reviewGates.map((gate) => `${key}:${gate}`)), "code", "postmortem"];
}

/** Single replies only: the happy path answers each agent once, so a list would hide a second round nobody planned. */
function single(raw: Record<string, unknown>, key: string): unknown {
  const agents = raw.agents as Record<string, unknown> | undefined;
  const entry = agents?.[key];
  if (entry === undefined) throw new Error(`agents.${key} is missing`);
  if (Array.isArray(entry)) throw new Error(`agents.${key} is a list; the happy-path examples answer each call the same way`);
  return entry;
}

function parseWith<T>(schema: { parse(value: unknown): T }, value: unknown, where: string): T {
  try {
    return schema.parse(value);
  } catch (error) {
    throw new Error(`${where} does not satisfy its schema: ${(error as Error).message}`);
  }
}

export async function loadExample(name: string, scenarioFile: string): Promise<LoadedExample> {
  const directory = path.join(examplesDirectory, name);
  const scenarioPath = path.join(directory, scenarioFile);
  const task = parseWith(taskSchema, parseYaml(await readFile(path.join(directory, "task.yaml"), "utf8")), `${name}/task.yaml`);
  const raw = parseYaml(await readFile(scenarioPath, "utf8")) as Record<string, unknown>;
  const scenarioTask = parseWith(taskSchema, raw.task, `${name} scenario task`);
  const reviews = new Map<string, ReviewerReply>();
  for (const key of reviewerKeys) {
    for (const gate of reviewGates) {
      reviews.set(`${key}:${gate}`, parseWith(reviewerReplySchema, single(raw, `${key}:${gate}`), `agents.${key}:${gate}`));
    }
  }
  const files = new Map<string, string>();
  for (const [filePath, text] of Object.entries((raw.files ?? {}) as Record<string, unknown>)) {
    if (typeof text !== "string") throw new Error(`files.${filePath} must be one text (the happy path has one round)`);
    files.set(filePath, text);
  }
  return {
    name,
    scenarioPath,
    raw,
    task,
    scenarioTask,
    plan: parseWith(planDraftSchema, single(raw, "planning"), "agents.planning"),
    design: parseWith(designSchema, single(raw, "design"), "agents.design"),
    reviews,
    manifest: parseWith(manifestSchema, single(raw, "code"), "agents.code"),
    postmortem: parseWith(improvementProposalSchema, single(raw, "postmortem"), "agents.postmortem"),
    files,
  };
}
