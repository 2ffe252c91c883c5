/**
 * Replaces every occurrence of a known secret value in text with a marker.
 * Path-based redaction only catches secrets under known keys; a key pasted into an
 * error message, a URL or a prompt would slip through, so the text itself is scrubbed too.
 */
export const redactedMarker = "[REDACTED]";

/** Secrets shorter than this are ignored: scrubbing "a" or "" would mangle every line. */
const minimumSecretLength = 8;

export interface SecretScrubber {
  scrub(text: string): string;
  /** True when at least one secret is being watched. */
  readonly active: boolean;
}

export function createSecretScrubber(secrets: readonly (string | undefined)[]): SecretScrubber {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < minimumSecretLength) continue;
    needles.add(secret);
    // A secret inside a JSON string is escaped; scrub that form as well.
    needles.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...needles].sort((left, right) => right.length - left.length);
  return {
    active: ordered.length > 0,
    scrub(text: string): string {
      let result = text;
      for (const needle of ordered) {
        if (result.includes(needle)) result = result.split(needle).join(redactedMarker);
      }
      return result;
    },
  };
}
