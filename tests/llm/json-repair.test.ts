import { describe, expect, it } from "vitest";
import { extractJson, removeTrailingCommas } from "../../llm/json-repair.ts";

const value = (text: string) => {
  const result = extractJson(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

describe("extractJson", () => {
  it("parses clean JSON without marking it repaired", () => {
    expect(extractJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 }, repaired: false });
  });

  it("takes the JSON out of a ```json fence with prose around it", () => {
    expect(value('Here is the result:\n```json\n{"title": "x", "units": []}\n```\nHope this helps.')).toEqual({ title: "x", units: [] });
  });

  it("finds the first complete value in prose, ignoring braces inside strings", () => {
    expect(value('Sure. The answer is {"a": {"b": "c}"}} and that is all {"x": 1}')).toEqual({ a: { b: "c}" } });
  });

  it("drops trailing commas but not commas inside strings", () => {
    expect(value('{"a": [1, 2,], "b": "x,]",}')).toEqual({ a: [1, 2], b: "x,]" });
    expect(removeTrailingCommas('["a,]", 1,]')).toBe('["a,]", 1]');
  });

  it("closes a truncated string and the open brackets", () => {
    expect(value('{"title": "hello wor')).toEqual({ title: "hello wor" });
    expect(value('```json\n{"units": [{"name": "a", "size": 3}, {"name": "b", "si')).toEqual({ units: [{ name: "a", size: 3 }, { name: "b" }] });
  });

  it("cuts back a half-written token to the previous complete element", () => {
    expect(value('{"a": [1, 2, {"b": tru')).toEqual({ a: [1, 2] });
    expect(value('{"a": 1, "b"')).toEqual({ a: 1 });
    expect(value('{"a": 1, "b":')).toEqual({ a: 1, b: null });
    expect(value("[1, 2,")).toEqual([1, 2]);
  });

  it("does not let a dangling backslash escape the closing quote", () => {
    expect(value('{"path": "C:\\\\dir\\')).toEqual({ path: "C:\\dir" });
  });

  it("keeps unicode and escapes intact", () => {
    expect(value('Result: {"s": "ünï \\"q\\" \\n 🐍"}')).toEqual({ s: 'ünï "q" \n 🐍' });
  });

  it("reports failure for text with no JSON", () => {
    expect(extractJson("I cannot do that.")).toMatchObject({ ok: false });
    expect(extractJson("   ")).toMatchObject({ ok: false, error: "the reply is empty" });
  });
});
