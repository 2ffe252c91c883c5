// The entry of out/build/<hash>/agent-snapshot.cjs (decision 1418). `node --build-snapshot` runs it
// once, when the build is made: every module an agent loads before it is ready (the agents, zod and
// the message schemas, nats, pino) is evaluated then, and each agent process starts from the heap it
// left, `node --snapshot-blob agent.blob NAME`, instead of parsing, compiling and running them again.
// The guards come first, so that they are up before any other module runs.
import { endSnapshotGuards } from "./snapshot-guards.ts";
import { startupSnapshot } from "node:v8";
import { agentCommand } from "../agent-command.ts";

endSnapshotGuards();

startupSnapshot.setDeserializeMainFunction(() => {
  // V8 refuses a snapshot started with V8 flags other than its builder's, so none are on the command
  // line: agentCommand sets the agents' own first thing (cli/agent-runtime-settings.ts).
  // The builder's stdout and stderr did not survive the snapshot; each process has its own.
  const io = { stdout: process.stdout, stderr: process.stderr };
  // argv is [node, NAME]: the blob takes the place of a script.
  void agentCommand(process.argv.slice(1), io, process.env).then((code) => {
    process.exitCode = code;
  });
});
