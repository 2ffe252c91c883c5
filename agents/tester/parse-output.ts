/** Project files named in the output (tracebacks, stack traces), the likely places of the defect. */
export function filesNamedIn(output: string, projectPaths: string[]): string[] {
  return projectPaths.filter((filePath) => {
    const escaped = filePath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[\\s"'(/])${escaped}([\\s"':),]|$)`, "m").test(output);
  });
}
