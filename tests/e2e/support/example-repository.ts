import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AspEvent } from "../../../schemas/event.ts";
import type { TranscriptEntry } from "../../../simulator/index.ts";
import { examplesDirectory } from "./example-scenarios.ts";

export function git(directory: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", ["-C", directory, ...args], (error, stdout, stderr) => (error ? reject(new Error(`git ${args.join(" ")}: ${stderr}`)) : resolve(stdout)));
  });
}

export interface ExampleRepository {
  /** A fresh temporary folder holding the repository; the caller removes it. */
  folder: string;
  repository: string;
  head: string;
}

/**
 * An example's repository (examples/NAME/repository, stored as plain files) copied into a temporary folder and
 * committed into a git repository of its own, as a user would before `asp run --repo` (examples/README.md).
 */
export async function exampleRepository(example: string): Promise<ExampleRepository> {
  const folder = await mkdtemp(path.join(tmpdir(), `asp-e2e-${example}-`));
  const repository = path.join(folder, "repository");
  await cp(path.join(examplesDirectory, example, "repository"), repository, { recursive: true });
  await git(folder, "init", "-q", "-b", "main", repository);
  await git(repository, "config", "user.name", "Change Request Test");
  await git(repository, "config", "user.email", "change@example.com");
  await git(repository, "config", "core.autocrlf", "false");
  await git(repository, "add", "--all");
  await git(repository, "commit", "-q", "-m", "the repository before the change");
  return { folder, repository, head: (await git(repository, "rev-parse", "HEAD")).trim() };
}

/** A JSONL file, one object a line: the simulator's transcript (ASP_SIMULATOR_TRANSCRIPT) or a run's events.ndjson. */
async function readLines<T>(file: string): Promise<T[]> {
  const text = await readFile(file, "utf8");
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as T);
}

export const readTranscript = (file: string) => readLines<TranscriptEntry>(file);
export const readRunEvents = (outDirectory: string) => readLines<AspEvent>(path.join(outDirectory, "events.ndjson"));
