import { ConfigError } from "../../errors/index.ts";

/**
 * Tracing settings, read once per process from the standard OpenTelemetry variables. Tracing is on only
 * when something says where to send spans (an OTLP endpoint, or OTEL_TRACES_EXPORTER=otlp): the SDK's
 * own default (export to localhost:4318 whatever the environment) would make every process of a fleet
 * that never asked for traces load the SDK and retry a collector that is not there.
 */
export type TracingConfig =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      serviceName: string;
      /** The full URL spans are POSTed to (…/v1/traces). */
      tracesUrl: string;
      protocol: OtlpHttpProtocol;
      /** OTEL_EXPORTER_OTLP_(TRACES_)HEADERS, for a vendor's API key (Honeycomb's x-honeycomb-team). */
      headers: Record<string, string>;
    };

export type OtlpHttpProtocol = "http/protobuf" | "http/json";
const protocols: readonly string[] = ["http/protobuf", "http/json"];
const defaultEndpoint = "http://localhost:4318";

function value(env: Record<string, string | undefined>, name: string): string | undefined {
  const text = env[name]?.trim();
  return text ? text : undefined;
}

function checkedUrl(text: string, variable: string): string {
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
    return text;
  } catch {
    throw new ConfigError(`${variable}: must be an http:// or https:// URL, got "${text}"`, { details: { variable } });
  }
}

/** `key1=value1,key2=value2`, values URL-encoded, as the OTLP exporter specification writes them. */
function parseHeaders(text: string | undefined, variable: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!text) return headers;
  for (const pair of text.split(",")) {
    if (!pair.trim()) continue;
    const separator = pair.indexOf("=");
    if (separator <= 0) throw new ConfigError(`${variable}: each entry must be key=value, got "${pair.trim()}"`, { details: { variable } });
    headers[decodeURIComponent(pair.slice(0, separator).trim())] = decodeURIComponent(pair.slice(separator + 1).trim());
  }
  return headers;
}

/** The traces URL: the signal-specific endpoint as given, or the base endpoint with /v1/traces appended (the specification's rule). */
function tracesUrlFrom(env: Record<string, string | undefined>): string {
  const specific = value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (specific) return checkedUrl(specific, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const base = checkedUrl(value(env, "OTEL_EXPORTER_OTLP_ENDPOINT") ?? defaultEndpoint, "OTEL_EXPORTER_OTLP_ENDPOINT");
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

export function readTracingConfig(env: Record<string, string | undefined>, defaultServiceName: string): Readonly<TracingConfig> {
  const disabled = value(env, "OTEL_SDK_DISABLED");
  if (disabled !== undefined && !["true", "false"].includes(disabled.toLowerCase())) {
    throw new ConfigError(`OTEL_SDK_DISABLED: must be true or false, got "${disabled}"`, { details: { variable: "OTEL_SDK_DISABLED" } });
  }
  if (disabled?.toLowerCase() === "true") return Object.freeze({ enabled: false, reason: "OTEL_SDK_DISABLED=true" });
  const exporters = (value(env, "OTEL_TRACES_EXPORTER") ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  const unsupported = exporters.filter((name) => name !== "otlp" && name !== "none");
  if (unsupported.length > 0) {
    throw new ConfigError(`OTEL_TRACES_EXPORTER: only "otlp" (over HTTP) and "none" are supported, got "${unsupported.join(",")}"`, { details: { variable: "OTEL_TRACES_EXPORTER" } });
  }
  if (exporters.includes("none")) return Object.freeze({ enabled: false, reason: "OTEL_TRACES_EXPORTER=none" });
  const endpointGiven = value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") !== undefined || value(env, "OTEL_EXPORTER_OTLP_ENDPOINT") !== undefined;
  if (!endpointGiven && !exporters.includes("otlp")) return Object.freeze({ enabled: false, reason: "no OTLP endpoint set" });

  const protocolVariable = value(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const protocol = value(env, protocolVariable) ?? "http/protobuf";
  if (!protocols.includes(protocol)) {
    throw new ConfigError(`${protocolVariable}: must be http/protobuf or http/json (traces go over OTLP/HTTP; grpc is not supported), got "${protocol}"`, {
      details: { variable: protocolVariable },
    });
  }
  return Object.freeze({
    enabled: true,
    serviceName: value(env, "OTEL_SERVICE_NAME") ?? defaultServiceName,
    tracesUrl: tracesUrlFrom(env),
    protocol: protocol as OtlpHttpProtocol,
    headers: Object.freeze({
      ...parseHeaders(value(env, "OTEL_EXPORTER_OTLP_HEADERS"), "OTEL_EXPORTER_OTLP_HEADERS"),
      ...parseHeaders(value(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS"), "OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
    }),
  });
}
