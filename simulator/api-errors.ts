import type { FaultKind } from "./scenario-schema.ts";

/** An error reply as the Messages API sends it: status, error type and message. */
export interface ApiErrorReply {
  status: number;
  type: string;
  message: string;
}

export const apiErrors = {
  invalidRequest: (message: string): ApiErrorReply => ({ status: 400, type: "invalid_request_error", message }),
  authentication: (): ApiErrorReply => ({ status: 401, type: "authentication_error", message: "invalid x-api-key" }),
  notFound: (path: string): ApiErrorReply => ({ status: 404, type: "not_found_error", message: `Not found: ${path}` }),
  requestTooLarge: (): ApiErrorReply => ({ status: 413, type: "request_too_large", message: "Request exceeds the maximum allowed number of bytes." }),
  rateLimited: (): ApiErrorReply => ({ status: 429, type: "rate_limit_error", message: "Number of request tokens has exceeded your per-minute rate limit (simulated)" }),
  internal: (): ApiErrorReply => ({ status: 500, type: "api_error", message: "Internal server error (simulated)" }),
  overloaded: (): ApiErrorReply => ({ status: 529, type: "overloaded_error", message: "Overloaded (simulated)" }),
};

/** The error a fault turns into, if it is one answered with an HTTP error. */
export function errorForFault(kind: FaultKind, streaming: boolean): ApiErrorReply | undefined {
  switch (kind) {
    case "overloaded":
      return apiErrors.overloaded();
    case "rate_limited":
      return apiErrors.rateLimited();
    case "server_error":
      return apiErrors.internal();
    case "stream_error":
      // Without a stream there is nothing to break mid-way: the request just fails.
      return streaming ? undefined : apiErrors.internal();
    default:
      return undefined;
  }
}

export function errorBody(error: ApiErrorReply): { type: "error"; error: { type: string; message: string } } {
  return { type: "error", error: { type: error.type, message: error.message } };
}

/** 429 and 529 tell the client when to come back, as the API does. */
export function carriesRetryAfter(error: ApiErrorReply): boolean {
  return error.status === 429 || error.status === 529;
}
