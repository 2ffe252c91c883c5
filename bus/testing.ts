/**
 * What a plug-in's own tests need, as the package's "./testing" entry: the runtime's contract without
 * NATS, and a model that answers from a script and records what it was told (decision 1320).
 */
export * from "./in-memory-runtime.ts";
export * from "../llm/recording-model.ts";
