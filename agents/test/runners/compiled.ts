import { lastLocation, runAndParse, type ParsedCounts } from "./run-and-parse.ts";
import { rootFile } from "./project-files.ts";
import type { TestFailure, TestRunner } from "./types.ts";

const timeoutMs = 300_000;

/** `go test -v ./...`: "--- PASS: TestX" / "--- FAIL: TestX (0.00s)" followed by "    file_test.go:12: message". */
export function parseGoTest(output: string): ParsedCounts {
  const passed = [...output.matchAll(/^\s*--- PASS: /gm)].length;
  const failures: TestFailure[] = [];
  for (const match of output.matchAll(/^(\s*)--- FAIL: (\S+) \([\d.]+s\)\n((?:\1\s{4}.*\n?)*)/gm)) {
    const body = match[3] ?? "";
    const location = body.match(/^\s+([\w./-]+\.go):(\d+): (.*)$/m);
    // A parent test fails because a subtest did: count the innermost failures only.
    if (!location && /--- FAIL: /.test(body)) continue;
    failures.push({ name: match[2]!, message: location?.[3]?.trim() ?? "failed", ...(location ? { file: location[1]!, line: Number(location[2]) } : {}) });
  }
  const buildFailed = /^FAIL\s+\S+\s+\[(build failed|setup failed)\]/m.test(output);
  return { passed, failed: failures.length, failures, recognised: passed + failures.length > 0 || /^(ok|PASS)\s/m.test(output) || buildFailed };
}

/** `cargo test`: one "test result: ok. 2 passed; 1 failed;" per test binary, and "---- name stdout ----" panics. */
export function parseCargoTest(output: string): ParsedCounts {
  let passed = 0;
  let failed = 0;
  let recognised = false;
  for (const match of output.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed;/gm)) {
    recognised = true;
    passed += Number(match[1]);
    failed += Number(match[2]);
  }
  const failures = [...output.matchAll(/^---- (\S+) stdout ----\n([\s\S]*?)(?=\n---- |\n\nfailures:|$)/gm)].map((match): TestFailure => {
    const panic = match[2]!.match(/panicked at ([^:\s]+):(\d+):\d+:\n?(.*)/);
    return { name: match[1]!, message: (panic?.[3] ?? match[2]!.trim().split("\n")[0] ?? "failed").trim(), ...(panic ? { file: panic[1]!, line: Number(panic[2]) } : {}) };
  });
  return { passed, failed, failures, recognised };
}

/** Maven surefire: "Tests run: N, Failures: F, Errors: E, Skipped: S" (the last is the total) and "Class.method:line message" lines. */
export function parseMavenTest(output: string): ParsedCounts {
  const totals = [...output.matchAll(/Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)(?!, Time)/g)].at(-1);
  if (!totals) return { passed: 0, failed: 0, failures: [], recognised: false };
  const failed = Number(totals[2]) + Number(totals[3]);
  const run = Number(totals[1]) - Number(totals[4]);
  const failures = [...output.matchAll(/^\[ERROR\]\s+([\w.$]+)\.(\w+):(\d+) (.*)$/gm)].map((match): TestFailure => ({
    name: `${match[1]}.${match[2]}`,
    message: match[4]!.trim(),
    file: `src/test/java/${match[1]!.replace(/\$.*/, "").replaceAll(".", "/")}.java`,
    line: Number(match[3]),
  }));
  return { passed: Math.max(0, run - failed), failed, failures, recognised: true };
}

/** ctest: "67% tests passed, 1 tests failed out of 3"; GoogleTest prints "file.cpp:12: Failure" and "[  FAILED  ] Suite.Name". */
export function parseCtest(output: string): ParsedCounts {
  const summary = output.match(/(\d+)% tests passed, (\d+) tests? failed out of (\d+)/);
  if (!summary) return { passed: 0, failed: 0, failures: [], recognised: false };
  const failed = Number(summary[2]);
  const total = Number(summary[3]);
  const names = [...new Set([...output.matchAll(/^\[\s+FAILED\s+\] ([\w/.]+)(?: \(\d+ ms\))?$/gm)].map((match) => match[1]!))];
  const failures = names.map((name): TestFailure => {
    const start = output.indexOf(`[ RUN      ] ${name}`);
    const block = start >= 0 ? output.slice(start, output.indexOf(`[  FAILED  ] ${name}`, start)) : "";
    const location = lastLocation(block, /^([^\s:]+\.(?:cc|cpp|cxx|h|hpp)):(\d+): Failure/gm);
    const message = block.split(/: Failure\n/)[1]?.trim().split("\n").slice(0, 3).join(" ") ?? "failed";
    return { name, message, ...location };
  });
  return { passed: total - failed, failed, failures, recognised: true };
}

export const goTestRunner: TestRunner = {
  id: "go-test",
  language: "go",
  toolchain: ["go"],
  applies: (files) => Boolean(rootFile(files, "go.mod")) && files.some((file) => file.path.endsWith("_test.go")),
  run: (_files, _environment, run) => runAndParse({ runner: "go-test", language: "go", commands: [["go", "test", "-v", "-count=1", "./..."]], run, timeoutMs, parse: parseGoTest }),
};

export const cargoTestRunner: TestRunner = {
  id: "cargo-test",
  language: "rust",
  toolchain: ["cargo"],
  applies: (files) => Boolean(rootFile(files, "Cargo.toml")),
  run: (_files, _environment, run) => runAndParse({ runner: "cargo-test", language: "rust", commands: [["cargo", "test", "--offline", "--color", "never"]], run, timeoutMs, parse: parseCargoTest }),
};

export const mavenTestRunner: TestRunner = {
  id: "maven-test",
  language: "java",
  toolchain: ["mvn", "java"],
  applies: (files) => Boolean(rootFile(files, "pom.xml")),
  run: (_files, _environment, run) => runAndParse({ runner: "maven-test", language: "java", commands: [["mvn", "-o", "-B", "test"]], run, timeoutMs, parse: parseMavenTest }),
};

export const ctestRunner: TestRunner = {
  id: "ctest",
  language: "cpp",
  toolchain: ["cmake", "ctest"],
  applies: (files) => Boolean(rootFile(files, "CMakeLists.txt")),
  run: (_files, _environment, run) =>
    runAndParse({
      runner: "ctest",
      language: "cpp",
      commands: [["cmake", "-S", ".", "-B", "build", "-DCMAKE_BUILD_TYPE=Debug"], ["cmake", "--build", "build", "-j", "2"], ["ctest", "--test-dir", "build", "--output-on-failure"]],
      run,
      timeoutMs,
      parse: parseCtest,
    }),
};
