/**
 * Requests that time out or find no responder while a cluster settles (a node lost, a leader being
 * elected) are repeated a few times. Only for idempotent requests: lookups, and publishes that
 * carry a Nats-Msg-Id.
 */
export function isTransient(error: unknown): boolean {
  const code = String((error as { code?: unknown })?.code ?? "");
  return (error as Error)?.message === "TIMEOUT" || code === "TIMEOUT" || code === "503" || code === "408";
}

export async function retryTransient<T>(operation: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}
