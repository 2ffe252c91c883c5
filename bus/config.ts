import { z } from "zod";
import { ConfigError } from "../errors/index.ts";

/**
 * Bus configuration, read once per process from an env object. Each field maps to one
 * variable so an error can name exactly what to fix.
 */
const optionalText = z
  .string()
  .trim()
  .min(1)
  .optional()
  .or(z.literal("").transform(() => undefined));

const positiveIntegerText = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number of milliseconds")
    .transform(Number)
    .pipe(z.number().int().positive())
    .optional()
    .transform((value) => value ?? fallback);

export const busEnvironmentSchema = z.object({
  NATS_URL: optionalText,
  ASP_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, '-' or '_'")
    .optional()
    .transform((value) => value ?? "asp"),
  NATS_CREDS: optionalText,
  NATS_USER: optionalText,
  NATS_PASS: optionalText,
  NATS_TOKEN: optionalText,
  NATS_TLS_CA: optionalText,
  NATS_TLS_CERT: optionalText,
  NATS_TLS_KEY: optionalText,
  ASP_NATS_CONNECT_TIMEOUT_MS: positiveIntegerText(5000),
  ASP_DATA_DIR: optionalText.transform((value) => value ?? ".asp"),
  // JetStream only accepts an odd replica count up to the cluster size; 1 (single server) or 3 (a cluster).
  ASP_JETSTREAM_REPLICAS: z
    .preprocess(
      (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
      z.enum(["1", "3"], { message: "must be 1 (single server) or 3 (a 3-node cluster)" }).optional(),
    )
    .transform((value) => (value === "3" ? 3 : 1) as 1 | 3),
});

export const busConfigSchema = z.object({
  natsUrl: z.string().optional(),
  namespace: z.string(),
  credentials: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("none") }),
    z.object({ kind: z.literal("credentials-file"), path: z.string() }),
    z.object({ kind: z.literal("user-password"), user: z.string(), password: z.string() }),
    z.object({ kind: z.literal("token"), token: z.string() }),
  ]),
  tls: z
    .object({ caFile: z.string().optional(), certFile: z.string().optional(), keyFile: z.string().optional() })
    .optional(),
  connectTimeoutMs: z.number().int().positive(),
  dataDir: z.string(),
  jetStreamReplicas: z.union([z.literal(1), z.literal(3)]),
});
export type BusConfig = Readonly<z.infer<typeof busConfigSchema>>;
export type BusCredentials = BusConfig["credentials"];

export function readBusConfig(env: Record<string, string | undefined>): BusConfig {
  const parsed = busEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid bus configuration: ${problems.join("; ")}`, {
      details: { variables: parsed.error.issues.map((issue) => issue.path.join(".")) },
    });
  }
  const values = parsed.data;
  const config: BusConfig = {
    natsUrl: values.NATS_URL,
    namespace: values.ASP_NAMESPACE,
    credentials: readCredentials(values),
    tls: readTls(values),
    connectTimeoutMs: values.ASP_NATS_CONNECT_TIMEOUT_MS,
    dataDir: values.ASP_DATA_DIR,
    jetStreamReplicas: values.ASP_JETSTREAM_REPLICAS,
  };
  return deepFreeze(config);
}

type Values = z.infer<typeof busEnvironmentSchema>;

function readCredentials(values: Values): BusCredentials {
  const kinds = [values.NATS_CREDS && "NATS_CREDS", values.NATS_USER && "NATS_USER", values.NATS_TOKEN && "NATS_TOKEN"].filter(
    Boolean,
  );
  // Two ways of authenticating at once is almost always a leftover variable; refuse rather than guess.
  if (kinds.length > 1) throw new ConfigError(`Set only one of ${kinds.join(", ")} (several NATS auth methods given)`);
  if (values.NATS_CREDS) return { kind: "credentials-file", path: values.NATS_CREDS };
  if (values.NATS_USER) {
    if (!values.NATS_PASS) throw new ConfigError("NATS_PASS is required when NATS_USER is set");
    return { kind: "user-password", user: values.NATS_USER, password: values.NATS_PASS };
  }
  if (values.NATS_PASS) throw new ConfigError("NATS_USER is required when NATS_PASS is set");
  if (values.NATS_TOKEN) return { kind: "token", token: values.NATS_TOKEN };
  return { kind: "none" };
}

function readTls(values: Values): BusConfig["tls"] {
  if (!values.NATS_TLS_CA && !values.NATS_TLS_CERT && !values.NATS_TLS_KEY) return undefined;
  if (Boolean(values.NATS_TLS_CERT) !== Boolean(values.NATS_TLS_KEY)) {
    throw new ConfigError(`${values.NATS_TLS_CERT ? "NATS_TLS_KEY" : "NATS_TLS_CERT"} is required with the other (client certificate and key go together)`);
  }
  return { caFile: values.NATS_TLS_CA, certFile: values.NATS_TLS_CERT, keyFile: values.NATS_TLS_KEY };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
