import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonCodec, rawFileCodec, rawTextCodec, toCodec } from "../../bus/codec.ts";
import { ValidationError } from "../../errors/index.ts";

const schema = z.object({ name: z.string(), count: z.number().int() });

describe("codecs", () => {
  it("jsonCodec validates both ways", () => {
    const codec = jsonCodec(schema);
    const encoded = codec.encode({ name: "a", count: 1 });
    expect(codec.decode(encoded.data)).toEqual({ name: "a", count: 1 });
    expect(() => codec.encode({ name: "a", count: 1.5 })).toThrow(ValidationError);
    const bad = codec.safeDecode(new TextEncoder().encode(JSON.stringify({ name: 3 })));
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.details.issues).toBeInstanceOf(Array);
    expect(codec.safeDecode(new TextEncoder().encode("{oops")).success).toBe(false);
  });

  it("toCodec wraps a zod schema (which has encode/decode methods of its own)", () => {
    expect(toCodec(schema).contentType).toBe("application/json");
  });

  it("raw text is byte for byte, including quotes, backslashes and triple-quoted docstrings", () => {
    const source = 'def f():\n    """It\'s "quoted" \\n not escaped."""\n    return "\\\\"\n';
    const encoded = rawTextCodec.encode(source);
    expect(Buffer.from(encoded.data).toString("utf8")).toBe(source);
    expect(rawTextCodec.decode(encoded.data)).toBe(source);
    expect(rawTextCodec.safeDecode(new Uint8Array([0xff, 0xfe])).success).toBe(false);
  });

  it("raw file carries metadata in validated headers", () => {
    const codec = rawFileCodec(z.object({ path: z.string().min(1), language: z.string() }));
    const encoded = codec.encode({ content: "print('ü')\n", metadata: { path: "src/ü main.py", language: "python" } });
    expect(encoded.headers?.["Asp-Meta-path"]).toBe("src%2F%C3%BC%20main.py");
    expect(codec.decode(encoded.data, encoded.headers)).toEqual({ content: "print('ü')\n", metadata: { path: "src/ü main.py", language: "python" } });
    expect(() => codec.decode(encoded.data, {})).toThrow(/path/);
  });
});
