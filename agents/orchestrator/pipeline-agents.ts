import type { Pipeline } from "../../schemas/pipeline.ts";

/**
 * Stages whose agent is neither a built-in agent nor a plug-in the pipeline declares. Without this check a
 * misspelt agent is a job nobody takes, found only when the stage times out; a plug-in stage is declared
 * under `plugins:` because the core cannot know it before it runs. Extra reviewers are plug-ins by nature.
 */
export function unknownStageAgents(pipeline: Pipeline, registeredAgents: readonly string[]): string[] {
  const known = new Set([...registeredAgents, ...pipeline.plugins]);
  return pipeline.stages
    .filter((stage) => !known.has(stage.agent))
    .map((stage) => `stage "${stage.id}" names agent "${stage.agent}", which is no built-in agent (${registeredAgents.join(", ")}) and is not listed under plugins`);
}
