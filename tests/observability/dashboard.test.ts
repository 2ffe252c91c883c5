import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Msg, Subscription } from "nats";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnAgentProcess, stopProcess, type FleetProcess } from "../../cli/fleet.ts";
import { setupBus, type TestBus } from "../support/nats.ts";
import { spawnTypeScript, type ChildProcessHandle } from "../support/processes.ts";
import { publishEvents, sampleRunEvents } from "./support/sample-run.ts";

const chromiumPath = "/usr/bin/chromium";
// The committed screenshot comes from tests/fleet/dashboard-gates.test.ts (a real run); this one stays out of the tree.
const screenshotPath = path.join(mkdtempSync(path.join(os.tmpdir(), "asp-dashboard-shot-")), "dashboard.png");

let bus: TestBus;
let writer: FleetProcess;
let dashboard: ChildProcessHandle;
let dashboardUrl: string;
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  bus = await setupBus();
  const logDirectory = mkdtempSync(path.join(os.tmpdir(), "asp-dashboard-logs-"));
  writer = await spawnAgentProcess("file-writer", 0, { env: { ...process.env, ...bus.env, ASP_LLM_BASE_URL: "http://127.0.0.1:9", ASP_LOG_LEVEL: "warn" }, logDirectory });
  dashboard = spawnTypeScript("cli/main.ts", { args: ["dashboard", "--port", "0"], env: bus.env });
  dashboardUrl = (await dashboard.waitForLine(/asp dashboard at http:/, 30_000)).match(/(http:\/\/\S+)/)![1]!;
  profile = mkdtempSync(path.join(os.tmpdir(), "asp-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.[Symbol.asyncDispose]();
  if (writer) await stopProcess(writer, 5000);
  await bus?.[Symbol.asyncDispose]();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe("asp dashboard in headless Chromium", () => {
  it("shows a live run's stages and writers updating over SSE, the agents, a waiting gate's buttons and the history", async () => {
    const runId = "run-dashboard";
    const { early, coding, finishing } = sampleRunEvents(runId, { startMs: Date.now() - 60_000 });
    await publishEvents(bus, early);
    const page = await browser.newPage();
    await page.goto(dashboardUrl);
    const run = `[data-run="${runId}"]`;
    // Stored events arrive in the snapshot: the page opened mid-run starts complete.
    await page.waitForSelector(`${run} [data-stage="design-review"][data-status="completed"]`, { timeout: 15_000 });
    expect(await page.getAttribute(`${run} [data-stage="code"]`, "data-status")).toBe("pending");

    // Live: new events reach the open page through the SSE stream.
    await publishEvents(bus, coding);
    await page.waitForSelector(`${run} [data-stage="code"][data-status="running"]`, { timeout: 15_000 });
    await page.waitForSelector(`${run} [data-writer="file-writer-bbbb2222"] [data-file="test_wordcount.py"].writing`, { timeout: 15_000 });
    expect(await page.locator(`${run} [data-writer="file-writer-aaaa1111"] [data-file="wordcount.py"]`).getAttribute("class")).toContain("written");
    expect(await page.textContent(`${run} [data-testid="run-cost"]`)).toContain("$0.0350");

    // The agents list comes from $SRV INFO/STATS of the running fleet.
    await page.waitForSelector(`[data-agent="file-writer"]`, { timeout: 15_000 });
    expect(await page.textContent(`[data-agent="file-writer"]`)).toContain(writer.instance!);

    // A gate waiting for a human: the button posts to the dashboard, which sends the decision on the control subject.
    const decisions: Array<{ subject: string; body: unknown }> = [];
    const control: Subscription = bus.connection.subscribe(bus.subjects.control(runId, "approve"), {
      callback: (_error, message: Msg) => {
        decisions.push({ subject: message.subject, body: message.json() });
        message.respond(JSON.stringify({ ok: true, runId, gate: "code-review", decision: "approve" }));
      },
    });
    await bus.connection.flush();
    await publishEvents(bus, [
      { runId, agent: "orchestrator", type: "stage.started", time: new Date().toISOString(), data: { stage: "code-review", agent: "code-review", round: 1, resumed: false } },
      { runId, agent: "orchestrator", type: "gate.waiting", time: new Date().toISOString(), data: { stage: "code-review", round: 1, since: new Date().toISOString(), deadline: new Date(Date.now() + 3_600_000).toISOString() } },
    ]);
    await page.waitForSelector(`${run} [data-testid="gate"][data-gate="code-review"]`, { timeout: 15_000 });
    expect(await page.textContent(`${run} [data-testid="run-status"]`)).toBe("waiting for approval");
    await page.screenshot({ path: screenshotPath, fullPage: true });
    await page.fill(`${run} [data-testid="gate"] .note`, "ship it");
    await page.click(`${run} [data-testid="gate"] button[data-decision="approve"]`);
    await page.locator(`${run} .gate-result`).filter({ hasText: /^sent$/ }).waitFor({ timeout: 10_000 });
    expect(decisions).toEqual([{ subject: bus.subjects.control(runId, "approve"), body: { gate: "code-review", note: "ship it", decidedBy: "dashboard" } }]);
    control.unsubscribe();

    await publishEvents(bus, [
      { runId, agent: "orchestrator", type: "gate.decided", time: new Date().toISOString(), data: { stage: "code-review", round: 1, decision: "approve", note: "ship it", decidedBy: "dashboard" } },
      ...finishing,
    ]);
    await page.waitForSelector(`${run}[data-status="passed"]`, { timeout: 15_000 });
    expect(await page.locator(`${run} [data-testid="gate"]`).count()).toBe(0);
    // A finished run reloads the history: a point in the chart (only finished runs have one) and its row.
    // The row alone proves nothing: the page lists the run from its first load, while it was still running.
    await page.waitForSelector(`[data-testid="chart"] svg circle`, { timeout: 15_000 });
    expect(await page.locator(`[data-testid="chart"] svg circle`).count()).toBe(1);
    expect(await page.locator(`[data-history-run="${runId}"]`).count()).toBe(1);
    expect(statSync(screenshotPath).size).toBeGreaterThan(10_000);
  });

  it("answers a decision that no orchestrator takes with an error, not a hang", async () => {
    const response = await fetch(`${dashboardUrl}/api/runs/run-nobody/gates/design-review/reject`, { method: "POST", body: JSON.stringify({ note: "no" }) });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: string }).error).toContain("no orchestrator is listening");
    const bad = await fetch(`${dashboardUrl}/api/runs/run-nobody/gates/design-review/approve`, { method: "POST", body: "[1]" });
    expect(bad.status).toBe(400);
  });
});
