import type { NatsConnection } from "nats";
import type { ArtifactStore } from "../../agents/shared/artifact-store.ts";
import { createRunStore } from "../../agents/shared/run-store.ts";
import type { Subjects } from "../../bus/subjects.ts";
import type { RunSummary } from "../../schemas/run.ts";
import type { CommandIo } from "../command-io.ts";
import { commitChangeRequest, type RepositoryCheckout } from "./change-request.ts";
import { gitIn } from "./git.ts";

/**
 * The end of a change request, for `asp run --repo` and for `asp resume` of one alike: a run that passed is
 * committed on its branch (decision 1201); any other leaves the repository as it was, and says so.
 */
export async function commitPassedRun(options: {
  connection: NatsConnection;
  subjects: Subjects;
  artifacts: Pick<ArtifactStore, "getText">;
  runId: string;
  status: RunSummary["status"];
  checkout: RepositoryCheckout;
  io: CommandIo;
  json: boolean;
}): Promise<void> {
  const { checkout, io, runId } = options;
  if (options.status !== "passed") {
    io.stderr.write(`the run did not pass: nothing was committed to ${checkout.root}\n`);
    return;
  }
  const state = await createRunStore(options.connection, options.subjects).get(runId);
  if (!state) throw new Error(`run ${runId} has no state in the runs bucket: nothing was committed`);
  const committed = await commitChangeRequest(gitIn(checkout.root), checkout, state, options.artifacts);
  io.stderr.write(`committed the change on branch ${committed.branch} (${committed.commit.slice(0, 12)}) in ${checkout.root}; your branch and working tree are unchanged\n`);
  if (!options.json) io.stdout.write(`branch ${committed.branch} ${committed.commit}\n`);
}
