/**
 * Which job: the run it belongs to, the agent that does it, and its id. The job travels on
 * `<ns>.jobs.<agent>`, its result on `<ns>.results.<runId>.<agent>.<jobId>`, its events under
 * `<ns>.events.<runId>.<agent>.…`; the same three ids name it on every path, so there is one type.
 */
export interface JobAddress {
  runId: string;
  agent: string;
  jobId: string;
}
