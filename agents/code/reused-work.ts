import type { JobContext } from "../../bus/define-agent.ts";
import type { GeneratedFile } from "../../schemas/file-job.ts";
import { manifestSchema, type Manifest, type ManifestEntry } from "../../schemas/manifest.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { storeGeneratedFile } from "./stored-file.ts";

/**
 * What a code round left behind for a resumed run (decision 1180): its manifest and every file a
 * writer finished. A resumed code stage runs under a fresh job id, so the bus would not answer its
 * file jobs from the stored results; the artifacts of the failed round are read instead.
 */
export function manifestArtifactName(runId: string, round: number): string {
  return `${runId}/manifests/r${round}.json`;
}

export async function storeManifest(context: JobContext<AgentDeps>, round: number, manifest: Manifest): Promise<void> {
  await context.deps.artifacts.put(manifestArtifactName(context.runId, round), JSON.stringify(manifest));
}

/** The manifest the failed round planned, if it got that far (a run from before this change has none). */
export async function reusedManifest(context: JobContext<AgentDeps>, round: number | undefined): Promise<Manifest | undefined> {
  if (round === undefined) return undefined;
  const text = await context.deps.artifacts.getText(manifestArtifactName(context.runId, round));
  if (text === undefined) return undefined;
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

/**
 * A file the failed round had written, kept for this round with no model call. It is copied under
 * this round's name, so a second resume of this round finds it too.
 */
export async function keepReusedFile(context: JobContext<AgentDeps>, entry: ManifestEntry, round: number, fromRound: number, content: string): Promise<{ file: GeneratedFile; content: string }> {
  const file = await storeGeneratedFile(context, entry, round, content, "reused");
  await context.emit("file.reused", { path: entry.path, round, fromRound, sha256: file.sha256 });
  return { file, content };
}
