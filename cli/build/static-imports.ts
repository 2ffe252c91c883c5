import type { Metafile } from "esbuild";

/**
 * The outputs a process loads before its first line runs: `start` and everything it reaches through
 * static imports and top-level requires, but not through import(), which loads only when reached.
 * Also the externals those outputs import statically (node built-ins, packages left in node_modules).
 */
export function staticallyLoaded(metafile: Metafile, start: string): { outputs: Set<string>; externals: Set<string> } {
  return reachable(metafile, start, false);
}

/** Every output `start` may load at some point, through import() too. */
export function everythingReachable(metafile: Metafile, start: string): Set<string> {
  return reachable(metafile, start, true).outputs;
}

function reachable(metafile: Metafile, start: string, throughImport: boolean): { outputs: Set<string>; externals: Set<string> } {
  const outputs = new Set<string>();
  const externals = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const output = pending.pop()!;
    if (outputs.has(output)) continue;
    outputs.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind === "dynamic-import" && !throughImport) continue;
      if (imported.external) externals.add(imported.path);
      else pending.push(imported.path);
    }
  }
  return { outputs, externals };
}

/** The source files (inputs) bundled into a set of outputs. */
export function inputsOf(metafile: Metafile, outputs: Iterable<string>): Set<string> {
  const inputs = new Set<string>();
  for (const output of outputs) for (const input of Object.keys(metafile.outputs[output]?.inputs ?? {})) inputs.add(input);
  return inputs;
}
