/**
 * A hand-written deploy file with one part rendered from the agents' registrations: the lines between
 * `# begin generated: <name>` and `# end generated: <name>`. The rest stays hand-written, so a generator
 * touches only what depends on the list of agents, and a test can compare the block with the registry.
 */
export function replaceGeneratedBlock(text: string, name: string, content: string, file: string): string {
  const lines = text.split("\n");
  const begin = lines.findIndex((line) => line.trim() === `# begin generated: ${name}`);
  const end = lines.findIndex((line) => line.trim() === `# end generated: ${name}`);
  if (begin < 0 || end < begin) throw new Error(`${file} has no "# begin generated: ${name}" ... "# end generated: ${name}" block`);
  const body = content.endsWith("\n") ? content.slice(0, -1) : content;
  return [...lines.slice(0, begin + 1), ...(body === "" ? [] : body.split("\n")), ...lines.slice(end)].join("\n");
}
