// Every message contract, for plug-ins and tools (docs/messages.md is generated from these).
export * from "./change-size.ts";
export * from "./design.ts";
export * from "./event.ts";
export * from "./file-job.ts";
export * from "./llm-call.ts";
export * from "./manifest.ts";
export * from "./pipeline.ts";
export * from "./plan.ts";
export * from "./postmortem.ts";
export * from "./repository.ts";
export * from "./review.ts";
export * from "./reviewer-job.ts";
export * from "./run.ts";
export * from "./task.ts";
export * from "./test-report.ts";
