import { cargoTestRunner, ctestRunner, goTestRunner, mavenTestRunner } from "./compiled.ts";
import { nodeTestRunner, npmTestRunner, typescriptNodeTestRunner } from "./javascript.ts";
import { pytestRunner, unittestRunner } from "./python.ts";
import type { ProjectFile, TestRunner } from "./types.ts";

/** Every runner the test agent knows; a project runs each one that applies to it (several languages, several runners). */
export const testRunners: readonly TestRunner[] = [
  pytestRunner,
  unittestRunner,
  npmTestRunner,
  nodeTestRunner,
  typescriptNodeTestRunner,
  goTestRunner,
  cargoTestRunner,
  mavenTestRunner,
  ctestRunner,
];

export function applicableRunners(files: ProjectFile[]): TestRunner[] {
  return testRunners.filter((runner) => runner.applies(files));
}
