/** Who a model call is for; travels as x-asp-* headers (the real API ignores them, the simulator routes by them). */
export interface CallIdentity {
  agent: string;
  file?: string | undefined;
  round?: number | undefined;
  runId?: string | undefined;
}

export function identityHeaders(identity: CallIdentity): Record<string, string> {
  const headers: Record<string, string> = { "x-asp-agent": identity.agent };
  if (identity.file !== undefined) headers["x-asp-file"] = identity.file;
  if (identity.round !== undefined) headers["x-asp-round"] = String(identity.round);
  if (identity.runId !== undefined) headers["x-asp-run"] = identity.runId;
  return headers;
}
