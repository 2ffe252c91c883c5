import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { jobIds } from "../../bus/job-ids.ts";
import { readJobMetadata, headerNames } from "../../bus/headers.ts";
import { ValidationError } from "../../errors/index.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(repositoryRoot, folder), { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith(".ts")).map((entry) => path.join(entry.parentPath, entry.name));
}

describe("job ids", () => {
  it("keep the formats stored runs hold, so a resumed run finds its stored results by them", () => {
    expect(jobIds.run("run1")).toBe("run1-run");
    expect(jobIds.run("run1", 2)).toBe("run1-run-a2");
    expect(jobIds.stage("run1", "code", 3)).toBe("run1-code-r3");
    expect(jobIds.reviewer("run1-code_review-r1", "review-security", 1)).toBe("run1-code_review-r1-review-security");
    expect(jobIds.reviewer("run1-code_review-r1", "review-security", 2)).toBe("run1-code_review-r1-review-security-a2");
    expect(jobIds.unaddressable(17)).toBe("seq-17");
  });

  it("name each file and each file attempt apart, with a token-safe id whatever the path holds", () => {
    const first = jobIds.file("run1-code-r1", "src/app/main.py", 1);
    expect(first).toMatch(/^run1-code-r1-f[0-9a-f]{16}-a1$/);
    expect(jobIds.file("run1-code-r1", "src/app/main.py", 1)).toBe(first);
    expect(jobIds.file("run1-code-r1", "src/app/main.py", 2)).not.toBe(first);
    expect(jobIds.file("run1-code-r1", "src/app/other.py", 1)).not.toBe(first);
  });

  it("every id built is one the runtime accepts in a job's headers", () => {
    const built = [jobIds.run("r"), jobIds.stage("r", "design_review", 2), jobIds.file("r-code-r1", "a b/c.d", 3), jobIds.reviewer("r-x-r1", "review-x", 4)];
    for (const jobId of built) {
      expect(readJobMetadata({ [headerNames.runId]: "r", [headerNames.jobId]: jobId, [headerNames.agent]: "code" }).jobId).toBe(jobId);
    }
  });

  it("refuse an id that could not be a subject token, instead of publishing a job nobody can answer", () => {
    expect(() => jobIds.stage("run.1", "code", 1)).toThrow(ValidationError);
    expect(() => jobIds.stage("run1", "co*de", 1)).toThrow(/not valid/);
    expect(() => jobIds.run("r".repeat(200))).toThrow(/at most 200/);
  });

  it("are built nowhere else: no job id is written as a template string outside bus/job-ids.ts", async () => {
    const offenders: string[] = [];
    for (const folder of ["agents", "bus", "cli", "llm"]) {
      for (const file of await sourceFiles(folder)) {
        if (file.endsWith(path.join("bus", "job-ids.ts"))) continue;
        const text = await readFile(file, "utf8");
        for (const [index, line] of text.split("\n").entries()) {
          if (/jobId\s*[:=]\s*(\S+\s*\?\?\s*)?`/.test(line)) offenders.push(`${path.relative(repositoryRoot, file)}:${index + 1}: ${line.trim()}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
