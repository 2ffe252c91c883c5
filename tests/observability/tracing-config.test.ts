import { describe, expect, it } from "vitest";
import { readTracingConfig } from "../../bus/tracing/tracing-config.ts";

describe("tracing config from OTEL_* variables", () => {
  it("is off with nothing set, and when disabled or exporting to none", () => {
    expect(readTracingConfig({}, "asp-code")).toMatchObject({ enabled: false });
    expect(readTracingConfig({ OTEL_SDK_DISABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, "asp-code").enabled).toBe(false);
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, "asp-code").enabled).toBe(false);
  });

  it("appends /v1/traces to the base endpoint, takes the traces endpoint as given, and names the service", () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }, "asp-code")).toEqual({
      enabled: true,
      serviceName: "asp-code",
      tracesUrl: "http://collector:4318/v1/traces",
      protocol: "http/protobuf",
      headers: {},
    });
    expect(
      readTracingConfig(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318",
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://api.honeycomb.io/v1/traces",
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
          OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=abc%3D1,x-other=2",
          OTEL_SERVICE_NAME: "my-fleet",
        },
        "asp-code",
      ),
    ).toEqual({ enabled: true, serviceName: "my-fleet", tracesUrl: "https://api.honeycomb.io/v1/traces", protocol: "http/json", headers: { "x-honeycomb-team": "abc=1", "x-other": "2" } });
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: "otlp" }, "asp-code")).toMatchObject({ enabled: true, tracesUrl: "http://localhost:4318/v1/traces" });
  });

  it("names the variable that is wrong", () => {
    expect(() => readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, "a")).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc" }, "a")).toThrow(/OTEL_EXPORTER_OTLP_TRACES_PROTOCOL.*grpc/);
    expect(() => readTracingConfig({ OTEL_TRACES_EXPORTER: "zipkin" }, "a")).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => readTracingConfig({ OTEL_SDK_DISABLED: "yes" }, "a")).toThrow(/OTEL_SDK_DISABLED/);
    expect(() => readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_HEADERS: "novalue" }, "a")).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
  });
});
