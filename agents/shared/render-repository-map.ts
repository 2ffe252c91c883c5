import { repositorySchema, type Repository } from "../../schemas/repository.ts";

/**
 * The repository a change request works on, as planning, design and the manifest read it: every file with
 * its size, language and public symbols, and the tests with the runners that will run them. "" for a new
 * project, so the same prompts serve both (decision 1105: one placeholder per piece of information).
 */
export function renderRepositoryMap(repository: Repository | undefined): string {
  if (!repository) return "";
  const lines = [
    "",
    `Existing repository ${repository.name} (at commit ${repository.head.slice(0, 12)}): this task changes it. Files the change does not name stay as they are;`,
    "name each file it creates, modifies or deletes with that action.",
    "Files (path, lines, bytes, language; public symbols):",
  ];
  for (const file of repository.map.files) {
    lines.push(`- ${file.path} (${file.lines} lines, ${file.bytes} bytes${file.language ? `, ${file.language}` : ""})${file.note ? ` [${file.note}]` : ""}`);
    for (const symbol of file.symbols) lines.push(`    ${symbol}`);
  }
  const { tests } = repository.map;
  lines.push(
    `Existing tests: ${tests.files.length > 0 ? tests.files.join(", ") : "none"}`,
    `They run with: ${tests.runners.length > 0 ? tests.runners.map((runner) => `${runner.id} (${runner.language})`).join(", ") : "no runner the test stage knows"}; the test stage runs them with the new ones.`,
    "",
  );
  return lines.join("\n");
}

/** The repository of a stage input, when the run has one (the input carries it beside the outputs). */
export function repositoryOf(input: Record<string, unknown>): Repository | undefined {
  return input.repository === undefined ? undefined : repositorySchema.parse(input.repository);
}
