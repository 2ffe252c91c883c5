import type { JobContext } from "../../bus/define-agent.ts";
import { ModelError, ValidationError } from "../../errors/index.ts";
import type { Design } from "../../schemas/design.ts";
import { manifestSchema, type Manifest } from "../../schemas/manifest.ts";
import type { Plan } from "../../schemas/plan.ts";
import type { Feedback } from "../../schemas/run.ts";
import type { Task } from "../../schemas/task.ts";
import type { AgentDeps } from "../shared/agent-deps.ts";
import { modelForJob } from "../shared/model-for-job.ts";
import { renderDesign, renderFeedback, taskValues } from "../shared/render.ts";
import { manifestProblems } from "./validate-manifest.ts";
import type { Repository } from "../../schemas/repository.ts";
import { renderRepositoryMap } from "../shared/render-repository-map.ts";

/**
 * Asks the model for the manifest. A manifest that breaks a rule (an unknown component, a dependency on
 * an unlisted file, a path outside the project) goes back to the model through the structured re-ask
 * loop with the list of problems, like a schema error (decision 1104). When the re-asks are spent on
 * rule problems the stage fails with that list: a fresh conversation would not know more.
 */
export async function planManifest(
  context: JobContext<AgentDeps>,
  input: { task: Task; plan: Plan; design: Design; feedback?: Feedback | undefined; repository?: Repository | undefined },
): Promise<Manifest> {
  const { prompts } = context.deps;
  let lastProblems: string[] = [];
  // The problems reach the model through a prompt of their own, so a copy of prompts/ without
  // {{problems}} takes exactly them out of the re-ask (a negative control, decision 1105). The hook is
  // synchronous, so the template is read here, its placeholder kept by filling it with itself.
  const rejection = (await prompts.render("code/manifest-rejected", 1, { problems: "{{problems}}" })).trim();
  const validate = (manifest: Manifest): string[] => {
    lastProblems = manifestProblems(manifest, input.design, input.plan, input.repository);
    if (lastProblems.length === 0) return [];
    void context.emit("manifest.rejected", { problems: lastProblems });
    // A function, not a string, as the replacement: a "$&" in a model's path must stay as it is.
    return [rejection.replaceAll("{{problems}}", () => lastProblems.join("; "))];
  };
  try {
    return await modelForJob(context).structured({
      agent: "code",
      schema: manifestSchema,
      toolName: "submit_manifest",
      toolDescription: "Submit the list of files of the project (no file content)",
      system: await prompts.render("code/manifest-system", 1),
      prompt: await prompts.render("code/manifest-user", 1, {
        ...taskValues(input.task),
        design: renderDesign(input.design),
        feedback: renderFeedback(input.feedback),
        repositoryMap: renderRepositoryMap(input.repository),
      }),
      maxTokens: 8000,
      validate,
    });
  } catch (error) {
    if (error instanceof ModelError && error.code === "structured_output_invalid" && lastProblems.length > 0) {
      throw new ValidationError(`the code manifest is invalid after every re-ask: ${lastProblems.join("; ")}`, {
        code: "manifest_invalid",
        cause: error,
        details: { problems: lastProblems },
      });
    }
    throw error;
  }
}
