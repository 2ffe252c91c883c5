import { readFile, stat } from "node:fs/promises";
import { parse } from "yaml";
import { ValidationError } from "../errors/index.ts";
import { taskSchema, type Task } from "../schemas/task.ts";

function describeIssues(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`).join("; ");
}

export function parseTask(value: unknown, origin: string): Task {
  const parsed = taskSchema.safeParse(value);
  if (!parsed.success) throw new ValidationError(`the task in ${origin} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** A task is a YAML or JSON file, or the task described in plain words. */
export async function loadTask(argument: string): Promise<Task> {
  const isFile = await stat(argument).then((info) => info.isFile(), () => false);
  if (isFile) {
    let value: unknown;
    try {
      value = parse(await readFile(argument, "utf8"));
    } catch (error) {
      throw new ValidationError(`the task file ${argument} is not valid YAML or JSON: ${(error as Error).message}`);
    }
    return parseTask(value, argument);
  }
  if (/\.(ya?ml|json)$/i.test(argument)) throw new ValidationError(`the task file ${argument} does not exist`);
  const text = argument.trim();
  if (text === "") throw new ValidationError("the task is empty: give a YAML/JSON file or describe the task in words");
  const firstLine = text.split("\n")[0]!;
  return parseTask({ title: firstLine.length > 80 ? `${firstLine.slice(0, 77)}...` : firstLine, description: text, requirements: [] }, "the command line");
}
