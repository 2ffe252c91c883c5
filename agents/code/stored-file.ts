import { createHash } from "node:crypto";
import type { JobContext } from "../../bus/define-agent.ts";
import type { GeneratedFile } from "../../schemas/file-job.ts";
import type { ManifestEntry } from "../../schemas/manifest.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { fileArtifactName } from "../shared/artifact-store.ts";
import { lineCount } from "../shared/line-count.ts";

/**
 * Stores one file of a round under the round's artifact name and describes it: the same for a file a
 * writer wrote, one declared empty and one reused from a failed round, so every path records it alike.
 */
export async function storeGeneratedFile(context: JobContext<AgentDeps>, entry: ManifestEntry, round: number, content: string, writer: string): Promise<GeneratedFile> {
  const artifact = fileArtifactName(context.runId, round, entry.path);
  await context.deps.artifacts.put(artifact, content);
  return {
    path: entry.path,
    type: entry.type,
    bytes: Buffer.byteLength(content, "utf8"),
    lines: lineCount(content),
    sha256: sha256Of(content),
    round,
    writer,
    artifact,
  };
}

export function sha256Of(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}
