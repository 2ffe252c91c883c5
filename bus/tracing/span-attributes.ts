/**
 * Attribute names of asp's own spans. The messaging ones are OpenTelemetry's (semantic conventions,
 * messaging spans); the `asp.` ones name what only this system has. Written out rather than imported:
 * most messaging names are still in the conventions' incubating entry point, which is large and unstable.
 */
export const spanAttributes = {
  messagingSystem: "messaging.system",
  messagingOperationType: "messaging.operation.type",
  messagingOperationName: "messaging.operation.name",
  messagingDestinationName: "messaging.destination.name",
  messagingMessageId: "messaging.message.id",
  messagingDeliveryCount: "messaging.message.delivery_count",
  errorType: "error.type",
  runId: "asp.run_id",
  jobId: "asp.job_id",
  taskId: "asp.task_id",
  /** Asp-Trace-Id: asp's own correlation id of a run (the run job's id), kept beside the W3C trace id. */
  correlationId: "asp.correlation_id",
  agent: "asp.agent",
  instance: "asp.instance",
  attempt: "asp.attempt",
  stage: "asp.stage",
  round: "asp.round",
  outcome: "asp.outcome",
} as const;

/** NATS is not in the conventions' list of messaging systems; its own name is what they ask for then. */
export const messagingSystemName = "nats";

/** asp's span kinds by name, so a test or a query finds them without parsing span names. */
export const spanKindAttribute = "asp.span";
export const aspSpanKinds = { run: "run", stage: "stage", job: "job", submit: "submit", modelCall: "model_call", deadLetter: "dead_letter" } as const;
