import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signs the thinking blocks the simulator hands out, so it can tell a block sent back unchanged
 * from one that was edited or made up, as the real API does with its opaque signatures. The
 * signature is `nonce.mac`: an HMAC-SHA256, under a per-server secret, of the nonce and the
 * thinking text exactly as returned (empty when the display is "omitted"). The nonce makes two
 * blocks with the same text carry different signatures.
 */
export class ThinkingSigner {
  readonly #secret: Buffer;

  constructor(secret: Buffer = randomBytes(32)) {
    this.#secret = secret;
  }

  sign(thinking: string, nonce: string): string {
    return `${nonce}.${this.#mac(nonce, thinking)}`;
  }

  verify(thinking: string, signature: string): boolean {
    const dot = signature.lastIndexOf(".");
    if (dot <= 0) return false;
    const expected = Buffer.from(this.#mac(signature.slice(0, dot), thinking));
    const given = Buffer.from(signature.slice(dot + 1));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #mac(nonce: string, thinking: string): string {
    return createHmac("sha256", this.#secret).update(`${nonce}\u0000${thinking}`).digest("base64url");
  }
}
