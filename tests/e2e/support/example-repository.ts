import { execFile } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AspEvent } from "../../../schemas/event.ts";
import type { TranscriptEntry } from "../../../simulator/index.ts";
import { examplesDirectory } from "./example-scenarios.ts";

/** The change request example: a task, a scenario and the plain files of the repository it changes. */
export const changeExample = path.join(examplesDirectory, "change-python");

export function git(directory: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", ["-C", directory, ...args], (error, stdout, stderr) => (error ? reject(new Error(`git ${args.join(" ")}: ${stderr}`)) : resolve(stdout)));
  });
}

/**
 * The example's repository, stored as plain files, copied into `folder/wordcount` and committed as a git
 * repository of its own; `extraFiles` are written before that one commit.
 */
export async function exampleRepository(folder: string, extraFiles: Record<string, string> = {}): Promise<{ repository: string; head: string }> {
  const repository = path.join(folder, "wordcount");
  await cp(path.join(changeExample, "repository"), repository, { recursive: true });
  for (const [name, content] of Object.entries(extraFiles)) {
    await mkdir(path.dirname(path.join(repository, name)), { recursive: true });
    await writeFile(path.join(repository, name), content);
  }
  await git(folder, "init", "-q", "-b", "main", repository);
  await git(repository, "config", "user.name", "Change Request Test");
  await git(repository, "config", "user.email", "change@example.com");
  await git(repository, "config", "core.autocrlf", "false");
  await git(repository, "add", "--all");
  await git(repository, "commit", "-q", "-m", "the repository before the change");
  return { repository, head: (await git(repository, "rev-parse", "HEAD")).trim() };
}

/** path -> blob id of every file of a commit: the same id is the same bytes. */
export async function treeOf(repository: string, commit: string): Promise<Map<string, string>> {
  const listing = await git(repository, "ls-tree", "-r", commit);
  return new Map(listing.trim().split("\n").map((line) => [line.split("\t")[1]!, line.split(" ")[2]!.split("\t")[0]!]));
}

/** A JSONL file, one object a line: the simulator's transcript (ASP_SIMULATOR_TRANSCRIPT) or a run's events.ndjson. */
async function readLines<T>(file: string): Promise<T[]> {
  const text = await readFile(file, "utf8");
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as T);
}

export const readTranscript = (file: string) => readLines<TranscriptEntry>(file);
export const readRunEvents = (outDirectory: string) => readLines<AspEvent>(path.join(outDirectory, "events.ndjson"));
