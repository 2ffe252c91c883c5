import { describe, expect, it } from "vitest";
import { readBusConfig } from "../../bus/config.ts";
import { ConfigError } from "../../errors/index.ts";

describe("ASP_JETSTREAM_REPLICAS", () => {
  it("defaults to 1 (one server) and takes 3 (a cluster)", () => {
    expect(readBusConfig({}).jetStreamReplicas).toBe(1);
    expect(readBusConfig({ ASP_JETSTREAM_REPLICAS: "" }).jetStreamReplicas).toBe(1);
    expect(readBusConfig({ ASP_JETSTREAM_REPLICAS: "3" }).jetStreamReplicas).toBe(3);
  });

  it("refuses a count JetStream cannot place, naming the variable", () => {
    for (const value of ["2", "5", "three"]) {
      expect(() => readBusConfig({ ASP_JETSTREAM_REPLICAS: value })).toThrow(ConfigError);
      expect(() => readBusConfig({ ASP_JETSTREAM_REPLICAS: value })).toThrow(/ASP_JETSTREAM_REPLICAS: must be 1 \(single server\) or 3/);
    }
  });
});
