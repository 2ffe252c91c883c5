/** The dependency a failed install names, read from each tool's own message. */
const patterns: Array<{ tool: string; pattern: RegExp }> = [
  { tool: "pip", pattern: /No matching distribution found for ([^\s;]+)/ },
  { tool: "pip", pattern: /Could not find a version that satisfies the requirement ([^\s;(]+)/ },
  { tool: "pip", pattern: /Invalid requirement: '([^']+)'/ },
  { tool: "npm", pattern: /'([^']+)' is not in this registry/ },
  { tool: "npm", pattern: /404 Not Found - GET \S+\/(@?[^/\s]+(?:%2f[^/\s]+)?) -/ },
  { tool: "npm", pattern: /No matching version found for (\S+)\./ },
  { tool: "go", pattern: /go: ([^\s:@]+)@[^\s:]+: (?:reading|invalid version|unknown revision)/ },
  { tool: "go", pattern: /module ([^\s:]+): (?:reading|not found)/ },
  { tool: "cargo", pattern: /no matching package named `([^`]+)` found/ },
  { tool: "cargo", pattern: /failed to select a version for the requirement `([^`]+)`/ },
  { tool: "maven", pattern: /Could not (?:find|resolve) artifact ([\w.:-]+)/ },
];

export function failedDependency(tool: string, output: string): string | undefined {
  for (const entry of patterns) {
    if (entry.tool !== tool) continue;
    const match = output.match(entry.pattern);
    if (match) return decodeURIComponent(match[1]!).replace(/[.,]$/, "");
  }
  return undefined;
}

/** The tool's own message, without progress noise: the lines that say error, at most ten. */
export function toolMessage(output: string): string {
  const lines = output.split("\n").map((line) => line.trimEnd()).filter((line) => line.trim() !== "");
  const errors = lines.filter((line) => /error|not found|could not|no matching|failed/i.test(line));
  return (errors.length > 0 ? errors : lines).slice(-10).join("\n");
}
