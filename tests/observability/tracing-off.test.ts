import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const probe = path.join(import.meta.dirname, "support", "tracing-probe.ts");
const tsx = path.join(import.meta.dirname, "..", "..", "node_modules", ".bin", "tsx");

/** The probe in a fresh process, with every OTEL_* variable of this one removed and `otel` set instead. */
async function probeWith(otel: Record<string, string>) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("OTEL_")));
  const { stdout } = await run(tsx, [probe], { env: { ...env, ...otel }, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as { enabled: boolean; recording: boolean; headers: Record<string, string>; loaded: string[] };
}

describe("tracing off", () => {
  it("with no OTEL_* variable set loads no SDK and no exporter, records nothing and adds no header", async () => {
    const report = await probeWith({});
    expect(report).toEqual({ enabled: false, recording: false, headers: {}, loaded: ["@opentelemetry/api"] });
  });

  it("stays off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever the endpoint says", async () => {
    const switches: Array<Record<string, string>> = [{ OTEL_SDK_DISABLED: "true" }, { OTEL_TRACES_EXPORTER: "none" }];
    for (const otel of switches) {
      const report = await probeWith({ ...otel, OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" });
      expect(report.enabled).toBe(false);
      expect(report.loaded).toEqual(["@opentelemetry/api"]);
    }
  });

  it("positive control: an endpoint turns it on, loads the SDK and its protobuf exporter, and injects traceparent", async () => {
    const report = await probeWith({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" });
    expect(report.enabled).toBe(true);
    expect(report.recording).toBe(true);
    expect(report.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(report.loaded).toEqual(expect.arrayContaining(["@opentelemetry/sdk-trace-node", "@opentelemetry/exporter-trace-otlp-proto"]));
    expect(report.loaded).not.toContain("@opentelemetry/exporter-trace-otlp-http");
  });
}, 120_000);
