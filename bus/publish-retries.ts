/**
 * While a JetStream cluster elects a new stream leader (a node died), publishes get "503 no
 * responders" for a second or two. nats.js retries a 503 itself when asked (the options exist
 * in its implementation, not its types). Every publish here carries a Nats-Msg-Id, so a retry
 * that follows a lost acknowledgement is de-duplicated, never stored twice.
 */
export const publishRetries: Record<string, number> = Object.freeze({ retries: 40, retry_delay: 250 });
