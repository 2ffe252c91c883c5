import { nuid } from "nats";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayEvents } from "../../bus/events.ts";
import type { AspEvent } from "../../schemas/event.ts";
import { startPipelineHarness, type PipelineHarness } from "../e2e/support/pipeline-harness.ts";
import { spawnTypeScript, type ChildProcessHandle } from "../support/processes.ts";

const scenario = "examples/hello-python/scenario.yaml";
// The same task the scenario carries: asp submit takes the task, the fleet serves the scenario.
const taskFile = "examples/hello-python/task.yaml";
const pipeline = path.resolve("tests/fixtures/pipelines/approval.yaml");
// Set ASP_UPDATE_SCREENSHOTS=1 to refresh the screenshot the README shows.
const screenshotDirectory = mkdtempSync(path.join(os.tmpdir(), "asp-shot-"));
const screenshotPath = process.env.ASP_UPDATE_SCREENSHOTS ? path.resolve("docs/dashboard.png") : path.join(screenshotDirectory, "dashboard.png");

let harness: PipelineHarness;
let dashboard: ChildProcessHandle;
let dashboardUrl: string;
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  harness = await startPipelineHarness({ scenario, writers: 2 });
  dashboard = spawnTypeScript("cli/main.ts", { args: ["dashboard", "--port", "0"], env: harness.env });
  dashboardUrl = (await dashboard.waitForLine(/asp dashboard at http:/, 30_000)).match(/(http:\/\/\S+)/)![1]!;
  profile = mkdtempSync(path.join(os.tmpdir(), "asp-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.[Symbol.asyncDispose]();
  await harness?.[Symbol.asyncDispose]();
  if (profile) rmSync(profile, { recursive: true, force: true });
  rmSync(screenshotDirectory, { recursive: true, force: true });
});

async function waitingRun(excluded: Set<string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no run reached the approval gate within 60 s")), 60_000);
    void replayEvents({
      connection: harness.connection,
      subjects: harness.subjects,
      follow: true,
      onEvent: (event: AspEvent) => {
        if (event.type === "gate.waiting" && !excluded.has(event.runId)) {
          clearTimeout(timer);
          resolve(event.runId);
        }
      },
    }).then((replay) => setTimeout(() => void replay.stop(), 61_000).unref());
  });
}

describe("human gates through the dashboard in headless Chromium, against the real orchestrator", () => {
  const seen = new Set<string>();
  for (const decision of ["approve", "reject"] as const) {
    it(`the ${decision} button decides a waiting run`, async () => {
      const submit = spawnTypeScript("cli/main.ts", { args: ["submit", taskFile, "--pipeline", pipeline, "--json", "--out", path.join(harness.env.ASP_DATA_DIR!, "out", nuid.next())], env: harness.env });
      const runId = await waitingRun(seen);
      seen.add(runId);
      const page = await browser.newPage();
      await page.goto(dashboardUrl);
      const run = `[data-run="${runId}"]`;
      await page.waitForSelector(`${run} [data-testid="gate"][data-gate="design-review"]`, { timeout: 20_000 });
      expect(await page.textContent(`${run} [data-testid="run-status"]`)).toBe("waiting for approval");
      await page.waitForSelector(`[data-agent="file-writer"]`, { timeout: 20_000 });
      if (decision === "approve") await page.screenshot({ path: screenshotPath, fullPage: true });
      await page.fill(`${run} [data-testid="gate"] .note`, `decided "${decision}" in the browser`);
      await page.click(`${run} [data-testid="gate"] button[data-decision="${decision}"]`);
      const exit = await submit.exited;
      const summary = JSON.parse(submit.output().trim().split("\n").at(-1)!);
      expect(summary.runId).toBe(runId);
      if (decision === "approve") {
        expect(exit.code).toBe(0);
        expect(summary.status).toBe("passed");
      } else {
        expect(exit.code).toBe(1);
        expect(summary.reason).toBe("the design-review gate was rejected by dashboard: decided \"reject\" in the browser");
      }
      await page.close();
    }, 120_000);
  }
});
