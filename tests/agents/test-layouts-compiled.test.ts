import { describe, expect, it, vi } from "vitest";
import { runProjectTests, type ProjectFile, type TestRunDeps } from "../../agents/tester/run-project-tests.ts";
import { testRunDeps } from "./support/test-run-deps.ts";

// The first Maven run fills a cold cache from Maven Central, and every build here compiles for real.
vi.setConfig({ testTimeout: 300_000 });
const deps = testRunDeps({ timeoutMs: 240_000 });

/** The same deps on a machine without these executables: nothing else changes, so only the check for them can fail the run. */
function without(names: string[]): TestRunDeps {
  const found = Object.fromEntries(Object.entries(deps.toolchains.found).filter(([name]) => !names.includes(name)));
  return { ...deps, toolchains: { ...deps.toolchains, found } };
}

const cargoManifest = (dependencies: string) => ({ path: "Cargo.toml", content: `[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${dependencies}` });

// itoa is a small crate with no dependencies of its own: the install phase fetches it, the test phase builds it offline.
const rustCrate: ProjectFile[] = [
  cargoManifest('itoa = "1"\n'),
  {
    path: "src/lib.rs",
    content: [
      "pub fn add(a: i32, b: i32) -> i32 {",
      "    a - b",
      "}",
      "",
      "pub fn show(n: i32) -> String {",
      "    itoa::Buffer::new().format(n).to_string()",
      "}",
      "",
      "#[cfg(test)]",
      "mod tests {",
      "    use super::*;",
      "",
      "    #[test]",
      "    fn zero() {",
      "        assert_eq!(add(0, 0), 0);",
      "    }",
      "",
      "    #[test]",
      "    fn shows() {",
      '        assert_eq!(show(42), "42");',
      "    }",
      "",
      "    #[test]",
      "    fn adds() {",
      '        assert_eq!(add(2, 3), 5, "two plus three");',
      "    }",
      "}",
      "",
    ].join("\n"),
  },
];

// Versions Maven Central serves here; surefire is pinned because Maven 3.8's default (2.12) does not run JUnit 5.
const pom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>calc</artifactId>
  <version>1.0.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <version>5.14.1</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>3.5.2</version>
      </plugin>
    </plugins>
  </build>
</project>
`;

const mavenProject: ProjectFile[] = [
  { path: "pom.xml", content: pom },
  { path: "src/main/java/com/example/Calc.java", content: "package com.example;\n\npublic final class Calc {\n    private Calc() {}\n\n    public static int add(int a, int b) {\n        return a - b;\n    }\n}\n" },
  {
    path: "src/test/java/com/example/CalcTest.java",
    content: [
      "package com.example;",
      "",
      "import static org.junit.jupiter.api.Assertions.assertEquals;",
      "",
      "import org.junit.jupiter.api.Test;",
      "",
      "class CalcTest {",
      "    @Test",
      "    void addsZero() {",
      "        assertEquals(0, Calc.add(0, 0));",
      "    }",
      "",
      "    @Test",
      "    void addsTwoNumbers() {",
      '        assertEquals(5, Calc.add(2, 3), "two plus three");',
      "    }",
      "}",
      "",
    ].join("\n"),
  },
];

const cppLibrary: ProjectFile[] = [
  { path: "src/calc.h", content: "#pragma once\n\nint add(int a, int b);\n" },
  { path: "src/calc.cpp", content: '#include "calc.h"\n\nint add(int a, int b) { return a * b; }\n' },
];

// Plain add_test: one small program per check, failing by its exit code, so nothing is downloaded.
const cppPlainProject: ProjectFile[] = [
  {
    path: "CMakeLists.txt",
    content: [
      "cmake_minimum_required(VERSION 3.16)",
      "project(calc CXX)",
      "",
      "enable_testing()",
      "add_library(calc src/calc.cpp)",
      "target_include_directories(calc PUBLIC src)",
      "",
      "add_executable(calc_test tests/calc_test.cpp)",
      "target_link_libraries(calc_test calc)",
      "add_test(NAME adds_zero COMMAND calc_test zero)",
      "add_test(NAME adds_two_numbers COMMAND calc_test two)",
      "add_test(NAME adds_negatives COMMAND calc_test negatives)",
      "",
    ].join("\n"),
  },
  ...cppLibrary,
  {
    path: "tests/calc_test.cpp",
    content: [
      "#include <cstdio>",
      "#include <cstring>",
      "",
      '#include "calc.h"',
      "",
      "// Prints file:line and returns non-zero on failure, the way ctest counts a failing test.",
      "#define CHECK(condition) \\",
      '  if (!(condition)) { std::printf("%s:%d: check failed: %s\\n", __FILE__, __LINE__, #condition); return 1; }',
      "",
      "int main(int argc, char** argv) {",
      '  const char* name = argc > 1 ? argv[1] : "";',
      '  if (std::strcmp(name, "zero") == 0) { CHECK(add(0, 0) == 0); }',
      '  if (std::strcmp(name, "two") == 0) { CHECK(add(2, 3) == 5); }',
      '  if (std::strcmp(name, "negatives") == 0) { CHECK(add(-2, -2) == -4); }',
      "  return 0;",
      "}",
      "",
    ].join("\n"),
  },
];

// GoogleTest from Debian's libgtest-dev, found by find_package: each TEST becomes its own ctest test.
const cppGoogleTestProject: ProjectFile[] = [
  {
    path: "CMakeLists.txt",
    content: [
      "cmake_minimum_required(VERSION 3.16)",
      "project(calc CXX)",
      "set(CMAKE_CXX_STANDARD 17)",
      "",
      "find_package(GTest REQUIRED)",
      "enable_testing()",
      "include(GoogleTest)",
      "",
      "add_library(calc src/calc.cpp)",
      "target_include_directories(calc PUBLIC src)",
      "add_executable(calc_test tests/calc_test.cpp)",
      "target_link_libraries(calc_test calc GTest::gtest_main)",
      "gtest_discover_tests(calc_test)",
      "",
    ].join("\n"),
  },
  ...cppLibrary,
  { path: "tests/calc_test.cpp", content: "#include <gtest/gtest.h>\n\n#include \"calc.h\"\n\nTEST(Add, Zero) { EXPECT_EQ(add(0, 0), 0); }\n\nTEST(Add, TwoNumbers) {\n  EXPECT_EQ(add(2, 3), 5);\n}\n\nTEST(Add, Twos) { EXPECT_EQ(add(2, 2), 4); }\n" },
];

describe("compiled languages' test layouts", () => {
  it("runs cargo test offline after cargo fetch, and reports the failing test with the file:line it panicked at", async () => {
    const report = await runProjectTests(rustCrate, deps);
    expect(report.install.steps).toMatchObject([{ tool: "cargo", command: "cargo fetch", ok: true }]);
    expect(report.sandbox.network).toBe("none");
    expect(report).toMatchObject({ runner: "cargo-test", passed: 2, failed: 1, total: 3, verdict: "FAIL", buildErrors: [] });
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ name: "tests::adds", file: "src/lib.rs", line: 25 });
    expect(report.failures[0]!.message).toBe("assertion `left == right` failed: two plus three");
    expect(report.implicatedFiles).toEqual(["src/lib.rs"]);
  });

  it("runs mvn -o test with JUnit 5 from the install phase's cache, naming the failing test, its file and line", async () => {
    const report = await runProjectTests(mavenProject, deps);
    // go-offline fetches the dependencies and plugins; the probe build fetches what surefire resolves only when it runs.
    expect(report.install.steps.map((step) => [step.tool, step.ok])).toEqual([["maven", true], ["maven", true]]);
    expect(report.install.steps[0]!.command).toContain("maven-dependency-plugin:3.8.1:go-offline");
    expect(report.install.steps[1]!.command).toContain("-f ../maven-probe/pom.xml test");
    expect(report).toMatchObject({ runner: "maven-test", passed: 1, failed: 1, total: 2, verdict: "FAIL", buildErrors: [] });
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ name: "com.example.CalcTest.addsTwoNumbers", file: "src/test/java/com/example/CalcTest.java", line: 15 });
    expect(report.failures[0]!.message).toBe("org.opentest4j.AssertionFailedError: two plus three ==> expected: <5> but was: <-1>");
    expect(report.implicatedFiles).toContain("src/test/java/com/example/CalcTest.java");
  });

  it("runs plain add_test programs with ctest, naming each failing test with the file:line it printed", async () => {
    const report = await runProjectTests(cppPlainProject, deps);
    expect(report.install.steps).toEqual([]);
    expect(report).toMatchObject({ runner: "ctest", passed: 1, failed: 2, total: 3, verdict: "FAIL", buildErrors: [] });
    expect(report.failures.map(({ name, file, line, message }) => ({ name, file, line, message }))).toEqual([
      { name: "adds_two_numbers", file: "tests/calc_test.cpp", line: 13, message: "check failed: add(2, 3) == 5" },
      { name: "adds_negatives", file: "tests/calc_test.cpp", line: 14, message: "check failed: add(-2, -2) == -4" },
    ]);
  });

  it("runs GoogleTest cases through ctest, reading the failing case's name, file:line and expectation", async () => {
    const report = await runProjectTests(cppGoogleTestProject, deps);
    expect(report).toMatchObject({ runner: "ctest", passed: 2, failed: 1, total: 3, verdict: "FAIL", buildErrors: [] });
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ name: "Add.TwoNumbers", file: "tests/calc_test.cpp", line: 8 });
    expect(report.failures[0]!.message).toContain("add(2, 3)");
    expect(report.failures[0]!.message).toContain("Which is: 6");
  });
});

describe("the compile phase of compiled languages", () => {
  it("fails a Rust type error at cargo check, naming the file and line, before any test runs", async () => {
    const report = await runProjectTests([
      cargoManifest(""),
      { path: "src/lib.rs", content: 'pub fn add(a: i32, b: i32) -> i32 {\n    let sum: i32 = "a + b";\n    sum\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(super::add(2, 3), 5);\n    }\n}\n' },
    ], deps);
    expect(report).toMatchObject({ verdict: "FAIL", total: 0, runners: [] });
    expect(report.compile.findings).toContainEqual(expect.objectContaining({ tool: "cargo check", file: "src/lib.rs", line: 2, severity: "error", rule: "E0308" }));
    expect(report.buildErrors).toEqual([expect.stringMatching(/^src\/lib\.rs:2: cargo check E0308: mismatched types/)]);
    expect(report.implicatedFiles).toEqual(["src/lib.rs"]);
  });
});

describe("a toolchain the machine lacks", () => {
  it("stops a Rust project at the install with the build error that cargo is not installed", async () => {
    const report = await runProjectTests(rustCrate, without(["cargo"]));
    expect(report.buildErrors).toEqual(["Cargo.toml: toolchain cargo is not installed on this machine"]);
    expect(report).toMatchObject({ verdict: "FAIL", total: 0, runners: [] });
    expect(report.install.steps).toEqual([]);
  });

  it("fails a CMake project's ctest runner with the build error that cmake is not installed", async () => {
    const report = await runProjectTests(cppPlainProject, without(["cmake"]));
    expect(report.buildErrors).toEqual(["ctest: toolchain cmake is not installed on this machine"]);
    expect(report).toMatchObject({ verdict: "FAIL", runner: "ctest", total: 0, runners: [] });
  });
});
