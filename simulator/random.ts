/** A seeded source of numbers in [0, 1): the simulator's only randomness, so a seed replays a run exactly. */
export type RandomSource = () => number;

/** mulberry32: tiny, fast and good enough to spread faults; not for cryptography. */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string, used to derive one independent stream per (seed, run, agent or file). */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let hash = basis >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Keeps one generator per stream key. Agents of one run call the model in parallel, so a single
 * shared generator would hand out faults in whatever order requests happen to arrive; one stream
 * per caller keeps each caller's fault sequence fixed by the seed alone.
 */
export class RandomStreams {
  readonly #seed: number;
  readonly #streams = new Map<string, RandomSource>();

  constructor(seed: number) {
    this.#seed = seed;
  }

  stream(key: string): RandomSource {
    let source = this.#streams.get(key);
    if (!source) {
      source = mulberry32(hashString(key, hashString(String(this.#seed))));
      this.#streams.set(key, source);
    }
    return source;
  }

  /** An integer in [minimum, maximum], both inclusive. */
  static integer(random: RandomSource, minimum: number, maximum: number): number {
    return minimum + Math.floor(random() * (maximum - minimum + 1));
  }
}
