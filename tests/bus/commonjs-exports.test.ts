import { describe, expect, it } from "vitest";
import { namedExports } from "../../bus/commonjs-exports.ts";

describe("namedExports", () => {
  it("reads a CommonJS package's exports given by name, as node and tsx give them", async () => {
    const yaml = await namedExports(import("yaml"));
    expect(yaml.parse("a: 1")).toEqual({ a: 1 });
  });

  it("reads them from `default` alone, as a chunk of the split build gives them", async () => {
    const parse = (text: string) => ({ text });
    const wrapped = await namedExports(Promise.resolve({ default: { parse } } as unknown as { parse: typeof parse }));
    expect(wrapped.parse("x")).toEqual({ text: "x" });
    // A module whose default is a function (an ES module's own default export) is left as it is.
    const own = await namedExports(Promise.resolve({ default: parse, other: 1 }));
    expect(own.default).toBe(parse);
  });

  it("reads a whole ES module namespace wrapped in `default`, as a process started from the snapshot gives it", async () => {
    class Client {}
    const moduleExports = { __esModule: true, default: Client, APIError: Error };
    const loaded = await namedExports(Promise.resolve({ default: moduleExports, APIError: Error } as unknown as typeof moduleExports));
    expect(loaded.default).toBe(Client);
    expect(loaded.APIError).toBe(Error);
  });
});
