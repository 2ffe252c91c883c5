import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { repositoryRoot } from "../../cli/fleet.ts";
import { countTokens } from "../../simulator/token-count.ts";
import path from "node:path";

export interface SkewedFile {
  path: string;
  tokens: number;
  text: string;
}

export interface LatencyModel {
  timeToFirstTokenMs: number;
  tokensPerSecond: number;
}

/** A few large files among many small ones, in manifest order (the large ones are not first). */
export const skewedSizes: number[] = Array.from({ length: 40 }, (_, index) => {
  if (index === 9 || index === 24 || index === 37) return 2000;
  if (index % 8 === 3) return 600;
  return 150;
});

/** Python comment lines filling exactly `tokens` simulator tokens (four characters each). */
export function textOfTokens(tokens: number, label: string): string {
  const characters = tokens * 4;
  let text = "";
  for (let line = 1; text.length < characters; line++) text += `# ${label} line ${String(line).padStart(4, "0")} ${"x".repeat(40)}\n`;
  // Cut to the exact size and end in a newline so the count is exact.
  return `${text.slice(0, characters - 1)}\n`;
}

/** The time one file takes under the latency model: time to first token, then its tokens. */
export function fileDurationMs(tokens: number, latency: LatencyModel): number {
  return latency.timeToFirstTokenMs + (latency.tokensPerSecond > 0 ? (tokens / latency.tokensPerSecond) * 1000 : 0);
}

/**
 * hello-python's scenario with its code manifest replaced by 40 files of known token counts.
 * Planning and design stay, so the manifest still ties to real components and units.
 */
export async function skewedScenario(latency: LatencyModel): Promise<{ scenario: Record<string, any>; files: SkewedFile[] }> {
  const base = parse(await readFile(path.join(repositoryRoot, "examples/hello-python/scenario.yaml"), "utf8")) as Record<string, any>;
  const files: SkewedFile[] = skewedSizes.map((tokens, index) => {
    const filePath = index % 5 === 4 ? `tests/test_part_${String(index).padStart(2, "0")}.py` : `textstats/part_${String(index).padStart(2, "0")}.py`;
    const text = textOfTokens(tokens, filePath);
    if (countTokens(text) !== tokens) throw new Error(`generated ${filePath} has ${countTokens(text)} tokens, not ${tokens}`);
    return { path: filePath, tokens, text };
  });
  const manifest = {
    language: "python",
    files: files.map((file, index) => ({
      path: file.path,
      type: file.path.startsWith("tests/") ? "test" : "source",
      purpose: `Part ${index} of the benchmark project (${file.tokens} tokens).`,
      unitId: index % 2 === 0 ? "tokenize" : "summarize",
      componentId: index % 2 === 0 ? "tokenizer" : "summary",
      // Roughly ten tokens a line, so the manifest's estimate ranks files as their real sizes do.
      estimatedLines: Math.max(1, Math.round(file.tokens / 10)),
      dependsOn: [],
    })),
  };
  const scenario = {
    ...base,
    name: "bench-writer-scaling",
    latency,
    faults: undefined,
    agents: { ...base.agents, code: manifest },
    files: Object.fromEntries(files.map((file) => [file.path, file.text])),
  };
  delete scenario.faults;
  return { scenario, files };
}
