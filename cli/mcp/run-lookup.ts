import { assertToken } from "../../bus/subjects.ts";
import { unknownRunMessage } from "../history-commands.ts";
import { loadRunHistory, type RunHistoryEntry } from "../watch/run-history.ts";
import type { ToolContext } from "./tool-context.ts";

/**
 * One run, joined from the runs KV, the history KV and the events stream as `asp show` joins it;
 * an id the fleet does not know is an error in `asp show`'s words.
 */
export async function findRun(context: ToolContext, runId: string): Promise<RunHistoryEntry> {
  assertToken(runId, "run id");
  const { connection, subjects } = await context.fleet.session();
  const onInvalid = (error: Error) => context.logger.warn({ runId, error: error.message }, "skipped event");
  const [entry] = await loadRunHistory(connection, subjects, { runId, onInvalid });
  if (!entry) throw new Error(unknownRunMessage(runId, subjects.namespace));
  return entry;
}
