export { startModelSimulator } from "./server.ts";
export type { ModelSimulator, ModelSimulatorOptions, ModelSimulatorStats } from "./server.ts";
export { loadScenarioFile, parseScenario } from "./load-scenario.ts";
export { scenarioSchema, faultKinds, latencyModelSchema } from "./scenario-schema.ts";
export type { Scenario, ScenarioInput, FaultKind, LatencyModel, ScriptedFault } from "./scenario-schema.ts";
export type { TranscriptEntry } from "./transcript.ts";
export type { SimulatorClock } from "./clock.ts";
export { simCommand } from "./command.ts";
