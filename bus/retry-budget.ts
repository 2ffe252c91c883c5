/**
 * The retry budget: three layers retry, each on its own, and they multiply. This is where each
 * layer's default is set, so the worst case is read in one place rather than pieced together.
 *
 * 1. A model call: `modelAttemptsPerCall` HTTP attempts with backoff (llm/, ASP_LLM_MAX_ATTEMPTS),
 *    for 429s, overloads, 5xx and broken streams. Only the model layer knows the provider's
 *    retry-after, so it retries first.
 * 2. A job: `deliveriesPerJob` deliveries by JetStream (bus/run-agent.ts; an agent definition's
 *    `maxDeliver` overrides it), for a retryable failure the model layer gave up on, or a worker that
 *    died. Each delivery is a fresh conversation, possibly on another replica.
 * 3. A file: `attemptsPerFile` file jobs per file (agents/code), for a file the writers could not
 *    produce (empty, binary, too large, given up on). Each attempt is a new job id.
 *
 * So one file may cost up to 4 × 5 × 3 = 60 model calls before its code stage fails, and any other
 * stage job up to 4 × 5 = 20. A run then has its review and test rounds on top (a pipeline's
 * `maxRounds`, 3 in the default pipeline), each round asking again only for what its gate implicated. The
 * orchestrator's own run job has 20 deliveries: its failures are bus outages, not model errors, and
 * each redelivery resumes the run from its stored state without asking the model again.
 * The run's budget (`--budget`) bounds all of it in dollars, whichever layer spends it.
 */
export const retryBudget = Object.freeze({
  modelAttemptsPerCall: 4,
  deliveriesPerJob: 5,
  attemptsPerFile: 3,
  orchestratorDeliveriesPerRun: 20,
});

/** The most model calls one file can cost in one round, with every layer at its default. */
export const worstCaseModelCallsPerFile = retryBudget.modelAttemptsPerCall * retryBudget.deliveriesPerJob * retryBudget.attemptsPerFile;
