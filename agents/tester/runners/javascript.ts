import { lastLocation, runAndParse, type ParsedCounts } from "./run-and-parse.ts";
import { hasTestScript, isJavascriptTest, isTypescriptTest, packageManifest } from "./project-files.ts";
import type { TestFailure, TestRunner } from "./types.ts";

const timeoutMs = 120_000;
const stackFrame = /\(?([^\s():]+\.(?:m|c)?[jt]sx?):(\d+):\d+\)?/g;

/** node --test TAP output: "# pass N", "# fail N", and "not ok N - name" with a YAML block holding error and location. */
export function parseNodeTest(output: string): ParsedCounts {
  const passed = [...output.matchAll(/^# pass (\d+)/gm)].at(-1)?.[1];
  const failed = [...output.matchAll(/^# fail (\d+)/gm)].at(-1)?.[1];
  const failures: TestFailure[] = [];
  for (const match of output.matchAll(/^(\s*)not ok \d+ - (.+)\n((?:\1\s+.*\n?)*)/gm)) {
    const detail = match[3] ?? "";
    // Suites and files report their failing children again; keep the innermost (test) lines only.
    if (/failureType: '(subtestsFailed)'/.test(detail)) continue;
    const message = detail.match(/error: (?:[|>]-?\n\s*)?['"]?(.+?)['"]?\n/)?.[1] ?? "failed";
    const location = detail.match(/location: '([^']+):(\d+):\d+'/);
    const inStack = lastLocation(detail.split("stack:")[1] ?? "", stackFrame);
    failures.push({
      name: match[2]!.trim(),
      message: message.trim(),
      ...(inStack ?? (location ? { file: location[1]!.replace(/^\.\//, ""), line: Number(location[2]) } : {})),
    });
  }
  return { passed: Number(passed ?? 0), failed: Number(failed ?? 0), failures, recognised: passed !== undefined && failed !== undefined };
}

// The runners' symbols (●, ⎯, ❯) are written as \u escapes: one character beyond Latin-1 in the
// bundle, which esbuild leaves as it is inside a regular expression, makes V8 hold the whole bundle's
// source at two bytes a character, a megabyte more in every agent (decision 1418).

/** Jest: "Tests:       1 failed, 3 passed, 4 total" and "● Suite › name" blocks. */
export function parseJest(output: string): ParsedCounts | undefined {
  const summary = [...output.matchAll(/^Tests:\s+(.+?total)/gm)].at(-1)?.[1];
  if (!summary) return undefined;
  const count = (word: string) => Number(summary.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  const failures = [...output.matchAll(/^\s*\u25CF (.+?)\n\n([\s\S]*?)(?=\n\s*\u25CF |\nTest Suites:|(?![\s\S]))/gm)]
    .filter((match) => !/Test suite failed to run/.test(match[1]!))
    .map((match): TestFailure => ({ name: match[1]!.trim(), message: firstLine(match[2]!), ...lastLocation(match[2]!, stackFrame) }));
  return { passed: count("passed"), failed: count("failed"), failures, recognised: true };
}

/** Vitest: " Tests  1 failed | 3 passed (4)" and " FAIL  file > name" lines. */
export function parseVitest(output: string): ParsedCounts | undefined {
  const summary = [...output.matchAll(/^\s*Tests\s+(.+?)\((\d+)\)/gm)].at(-1)?.[1];
  if (!summary) return undefined;
  const count = (word: string) => Number(summary.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  const failures = [...output.matchAll(/^\s*FAIL\s+(\S+) > (.+)\n([\s\S]*?)(?=\n\s*FAIL\s|\n\s*\u23AF{3,}|(?![\s\S]))/gm)].map((match): TestFailure => {
    const location = lastLocation(match[3]!, /\u276F ([^\s:]+):(\d+):\d+/g) ?? { file: match[1]! };
    return { name: match[2]!.trim(), message: firstLine(match[3]!), ...location };
  });
  return { passed: count("passed"), failed: count("failed"), failures, recognised: true };
}

/** Mocha's spec reporter: "3 passing", "1 failing", then "1) suite name:" blocks. */
export function parseMocha(output: string): ParsedCounts | undefined {
  const passing = output.match(/^\s*(\d+) passing/m);
  if (!passing) return undefined;
  const failing = Number(output.match(/^\s*(\d+) failing/m)?.[1] ?? 0);
  const failures = [...output.matchAll(/^\s*\d+\) (.+?):\n([\s\S]*?)(?=\n\s*\d+\) |(?![\s\S]))/gm)].map((match): TestFailure => ({ name: match[1]!.trim(), message: firstLine(match[2]!), ...lastLocation(match[2]!, stackFrame) }));
  return { passed: Number(passing[1]), failed: failing, failures: failures.slice(0, failing), recognised: true };
}

const firstLine = (text: string) => text.trim().split("\n").map((line) => line.trim()).find((line) => line !== "") ?? "failed";

/** The project's own `npm test` prints whichever runner it uses; the first recognised summary wins. */
export function parseNpmTest(output: string): ParsedCounts {
  return parseJest(output) ?? parseVitest(output) ?? parseMocha(output) ?? parseNodeTest(output);
}

const javascriptTests = (paths: string[]) => paths.filter(isJavascriptTest);

export const npmTestRunner: TestRunner = {
  id: "npm-test",
  language: "javascript",
  toolchain: ["node", "npm"],
  applies: (files) => hasTestScript(files),
  run: (_files, _environment, run) => runAndParse({ runner: "npm-test", language: "javascript", commands: [["npm", "test", "--silent"]], run, timeoutMs, parse: parseNpmTest }),
};

/** node:test for projects without a test script; .spec.js is not in node 20's default patterns, so files are named. */
export const nodeTestRunner: TestRunner = {
  id: "node-test",
  language: "javascript",
  toolchain: ["node"],
  applies: (files) => !hasTestScript(files) && javascriptTests(files.map((file) => file.path)).length > 0,
  run: (files, _environment, run) =>
    runAndParse({ runner: "node-test", language: "javascript", commands: [["node", "--test", "--test-reporter=tap", ...javascriptTests(files.map((file) => file.path))]], run, timeoutMs, parse: parseNodeTest }),
};

/** node:test on TypeScript goes through a loader: the project's own tsx when installed, else the agent's. */
export const typescriptNodeTestRunner: TestRunner = {
  id: "typescript-node-test",
  language: "typescript",
  toolchain: ["node"],
  applies: (files) => !hasTestScript(files) && files.some((file) => isTypescriptTest(file.path)),
  run(files, environment, run) {
    const tests = files.map((file) => file.path).filter(isTypescriptTest);
    const ownLoader = environment.nodeModulesInstalled && packageManifest(files)?.devDependencies?.tsx ? "tsx" : undefined;
    const loader = ownLoader ?? (environment.tools.tsxLoader ? `file://${environment.tools.tsxLoader}` : undefined);
    const command = loader ? ["node", "--import", loader, "--test", "--test-reporter=tap", ...tests] : ["node", "--test", "--test-reporter=tap", ...tests];
    return runAndParse({ runner: "typescript-node-test", language: "typescript", commands: [command], run, timeoutMs, parse: parseNodeTest });
  },
};
