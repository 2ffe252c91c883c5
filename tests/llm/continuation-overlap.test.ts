import { describe, expect, it } from "vitest";
import { repeatedOverlapLength, smallestPeriod, withoutRepeatedOverlap } from "../../llm/continuation-overlap.ts";
import { trickyPython } from "./support/tricky-text.ts";

describe("withoutRepeatedOverlap", () => {
  it("drops a repeat of the cut line", () => {
    expect(withoutRepeatedOverlap("def f():\n    return comp", "    return compute(x)\n")).toBe("ute(x)\n");
  });

  it("drops a repeat of the cut word or token", () => {
    expect(withoutRepeatedOverlap("    total = calculate", "calculate_total(items)\n")).toBe("_total(items)\n");
    expect(withoutRepeatedOverlap('message = "héllo wörld 🐍', 'wörld 🐍 again"\n')).toBe(' again"\n');
  });

  it("leaves an exact continuation alone", () => {
    expect(withoutRepeatedOverlap("def f():\n    return comp", "ute(x)\n")).toBe("ute(x)\n");
  });

  it("keeps short coincidental overlaps: a few equal characters at a seam are ordinary", () => {
    expect(withoutRepeatedOverlap("print(a)\nprint(", "print(b)\n")).toBe("print(b)\n");
  });

  it("keeps whitespace-only overlaps (indentation, blank lines)", () => {
    expect(withoutRepeatedOverlap("if x:\n            ", "            y()\n")).toBe("            y()\n");
    expect(withoutRepeatedOverlap("a\r\n\r\n\r\n\r\n", "\r\n\r\n\r\n\r\nb")).toBe("\r\n\r\n\r\n\r\nb");
  });

  it("keeps periodic overlaps, which a cut inside a run produces", () => {
    expect(withoutRepeatedOverlap("# ================", "================\n")).toBe("================\n");
    expect(withoutRepeatedOverlap("data = [0, 0, 0, 0, ", "0, 0, 0, 0]\n")).toBe("0, 0, 0, 0]\n");
  });

  it("keeps overlaps that span a line break (identical consecutive lines)", () => {
    expect(withoutRepeatedOverlap("x = 1\nfoo(bar)\n", "foo(bar)\nbaz()\n")).toBe("foo(bar)\nbaz()\n");
  });

  it("keeps overlaps that start in the middle of a word", () => {
    expect(withoutRepeatedOverlap("prefix_abcdefgh", "abcdefgh_suffix")).toBe("abcdefgh_suffix");
  });

  it("searches only up to the maximum length", () => {
    const before = "x = 1\n    return compute_everything(";
    const continuation = "    return compute_everything(items)\n";
    expect(repeatedOverlapLength(before, continuation)).toBe(30);
    expect(repeatedOverlapLength(before, continuation, { minimum: 8, maximum: 20 })).toBe(0);
  });

  it("never trims an exact continuation at any cut of the tricky file", () => {
    for (let cut = 1; cut < trickyPython.length; cut++) {
      expect(repeatedOverlapLength(trickyPython.slice(0, cut), trickyPython.slice(cut)), `cut at ${cut}`).toBe(0);
    }
  });
});

describe("smallestPeriod", () => {
  it("finds the shortest repeating unit", () => {
    expect(smallestPeriod("=====")).toBe(1);
    expect(smallestPeriod("0, 0, 0")).toBe(3);
    expect(smallestPeriod("abcab")).toBe(3);
    expect(smallestPeriod("return")).toBe(6);
    expect(smallestPeriod("")).toBe(0);
  });
});
