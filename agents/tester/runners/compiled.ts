import { lastLocation, runAndParse, type ParsedCounts } from "./run-and-parse.ts";
import { rootFile } from "./project-files.ts";
import type { TestFailure, TestRunner } from "./types.ts";

const timeoutMs = 300_000;

interface GoTestEvent {
  Action?: string;
  Package?: string;
  Test?: string;
  Output?: string;
}

/** `go test -json ./...`: one event per line; a test's log lines arrive as its "output" events, before its "fail". */
export function parseGoTest(output: string): ParsedCounts {
  const events: GoTestEvent[] = [];
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      events.push(JSON.parse(line) as GoTestEvent);
    } catch {
      // A line of a test's own output that happens to start with a brace.
    }
  }
  const logs = new Map<string, string[]>();
  for (const event of events) if (event.Action === "output" && event.Test) logs.set(`${event.Package} ${event.Test}`, [...(logs.get(`${event.Package} ${event.Test}`) ?? []), event.Output ?? ""]);
  const finished = events.filter((event) => event.Test && (event.Action === "pass" || event.Action === "fail"));
  // A parent test fails because a subtest did: count the innermost tests only.
  const leaves = finished.filter((event) => !finished.some((other) => other.Package === event.Package && other.Test!.startsWith(`${event.Test}/`)));
  const failures = leaves.filter((event) => event.Action === "fail").map((event): TestFailure => {
    const lines = logs.get(`${event.Package} ${event.Test}`) ?? [];
    const location = lines.map((line) => line.trimEnd().match(/^\s+([\w./-]+\.go):(\d+): (.*)$/)).find(Boolean);
    return { name: event.Test!, message: location?.[3]?.trim() ?? "failed", ...(location ? { file: location[1]!, line: Number(location[2]) } : {}) };
  });
  const passed = leaves.filter((event) => event.Action === "pass").length;
  const packageFailed = events.some((event) => !event.Test && event.Action === "fail");
  return { passed, failed: failures.length, failures, recognised: events.length > 0 && (leaves.length > 0 || !packageFailed) };
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
  const failures = [...output.matchAll(/^---- (\S+) stdout ----\n([\s\S]*?)(?=\n---- |\n\nfailures:|(?![\s\S]))/gm)].map((match): TestFailure => {
    const panic = match[2]!.match(/panicked at ([^:\s]+):(\d+):\d+:\n?(.*)/);
    return { name: match[1]!, message: (panic?.[3] ?? match[2]!.trim().split("\n")[0] ?? "failed").trim(), ...(panic ? { file: panic[1]!, line: Number(panic[2]) } : {}) };
  });
  return { passed, failed, failures, recognised };
}

/** A test class's source file from its binary name: Maven keeps tests in src/test/java/<package path>/<File>.java. */
function mavenTestFile(className: string, fileName: string): string {
  const packagePath = className.split(".").slice(0, -1).join("/");
  return `src/test/java/${packagePath ? `${packagePath}/` : ""}${fileName}`;
}

/**
 * Maven surefire: "Tests run: N, Failures: F, Errors: E, Skipped: S" (the last is the total). Each failing
 * test has a block "[ERROR] pkg.Class.method -- Time elapsed: … <<< FAILURE!", the exception's line, then
 * its stack, whose frame in the test class gives the file and line. The "Results:" summary names the class
 * without its package ("Class.method:line message"), so it serves only when a block is missing.
 */
export function parseMavenTest(output: string): ParsedCounts {
  const totals = [...output.matchAll(/Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)(?!, Time)/g)].at(-1);
  if (!totals) return { passed: 0, failed: 0, failures: [], recognised: false };
  const failed = Number(totals[2]) + Number(totals[3]);
  const run = Number(totals[1]) - Number(totals[4]);
  const failures: TestFailure[] = [];
  for (const block of output.matchAll(/^\[ERROR\] (\S+?)(?: --)? +Time elapsed: [^\n]*<<< (?:FAILURE|ERROR)!\n([^\n]*)\n((?:[ \t]+at [^\n]*\n?)*)/gm)) {
    // Surefire 3 prints "pkg.Class.method"; older versions "method(pkg.Class)".
    const older = block[1]!.match(/^([\w$]+)\((.+)\)$/);
    // A parameterized test's method carries its arguments, which may hold dots: "adds(java.lang.String)[1]".
    const head = block[1]!.split("(")[0]!;
    const [className, method] = older ? [older[2]!, older[1]!] : [head.replace(/\.[^.]+$/, ""), block[1]!.slice(head.lastIndexOf(".") + 1)];
    const outer = className.replace(/\$.*/, "");
    const escaped = outer.replaceAll(".", "\\.").replaceAll("$", "\\$");
    const frame = block[3]!.match(new RegExp(`^\\s+at ${escaped}(?:\\$[\\w$]+)?\\.[\\w$<>]+\\(([\\w$]+\\.java):(\\d+)\\)`, "m"));
    failures.push({ name: `${className}.${method}`, message: block[2]!.trim() || "failed", ...(frame ? { file: mavenTestFile(outer, frame[1]!), line: Number(frame[2]) } : {}) });
  }
  if (failures.length === 0) {
    for (const match of output.matchAll(/^\[ERROR\]\s+([\w.$]+)\.(\w+):(\d+) (.*)$/gm)) {
      failures.push({ name: `${match[1]}.${match[2]}`, message: match[4]!.trim(), file: mavenTestFile(match[1]!.replace(/\$.*/, ""), `${match[1]!.replace(/\$.*/, "").split(".").at(-1)}.java`), line: Number(match[3]) });
    }
  }
  return { passed: Math.max(0, run - failed), failed, failures, recognised: true };
}

/**
 * ctest: "67% tests passed, 1 tests failed out of 3"; GoogleTest prints "file.cpp:12: Failure" and
 * "[  FAILED  ] Suite.Name". A plain add_test is a program that exits non-zero: ctest lists it under
 * "The following tests FAILED:", and --output-on-failure prints what it printed below its
 * "Test #2: name ...***Failed" line, where a "file.cpp:12: message" gives the location.
 */
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
  const listStart = output.lastIndexOf("The following tests FAILED:");
  const listed = listStart >= 0 ? output.slice(listStart) : "";
  for (const match of listed.matchAll(/^\s+\d+ - (.+?) \(([^)]+)\)$/gm)) {
    const [name, status] = [match[1]!, match[2]!];
    // A GoogleTest case discovered as its own ctest test is already named by its "[  FAILED  ]" line.
    if (names.includes(name)) continue;
    const heading = output.match(new RegExp(`^\\d+/\\d+ Test +#\\d+: ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\.*\\*{3}.*\n`, "m"));
    const after = heading ? output.slice(heading.index! + heading[0].length) : "";
    const next = after.search(/^ +Start +\d+: |^\d+% tests passed/m);
    const printed = (next >= 0 ? after.slice(0, next) : after).trim();
    const located = printed.match(/^(?:[^\s:]+: )?([^\s:]+\.(?:c|cc|cpp|cxx|h|hpp)):(\d+): (.*)$/m);
    failures.push({
      name,
      message: located?.[3]?.trim() ?? (printed.split("\n").find((line) => line.trim() !== "")?.trim() || status),
      ...(located && !located[1]!.startsWith("/") ? { file: located[1]!, line: Number(located[2]) } : {}),
    });
  }
  return { passed: total - failed, failed, failures, recognised: true };
}

export const goTestRunner: TestRunner = {
  id: "go-test",
  language: "go",
  toolchain: ["go"],
  applies: (files) => Boolean(rootFile(files, "go.mod")) && files.some((file) => file.path.endsWith("_test.go")),
  run: (_files, _environment, run) => runAndParse({ runner: "go-test", language: "go", commands: [["go", "test", "-json", "-count=1", "./..."]], run, timeoutMs, parse: parseGoTest }),
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
