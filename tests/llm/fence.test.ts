import { describe, expect, it } from "vitest";
import { stripWrappingFence } from "../../llm/fence.ts";

describe("stripWrappingFence", () => {
  it("removes one fence around the whole output and keeps the final line break", () => {
    expect(stripWrappingFence("```python\nprint(1)\n```")).toBe("print(1)\n");
    expect(stripWrappingFence("```python\nprint(1)\n```\n")).toBe("print(1)\n");
    expect(stripWrappingFence("\n```\nx\n```")).toBe("x\n");
  });

  it("keeps CRLF, tabs and trailing spaces inside byte for byte", () => {
    expect(stripWrappingFence("```\r\n\ta = 1  \r\nb\\n\r\n```")).toBe("\ta = 1  \r\nb\\n\r\n");
  });

  it("leaves text that is not wrapped alone", () => {
    for (const text of ["plain\n", "x = 1\n```", "```a\nx\n```\nprose\n```b\ny\n```", "intro\n```py\nx\n```\n"]) {
      expect(stripWrappingFence(text)).toBe(text);
    }
  });

  it("handles a longer outer fence around inner fences", () => {
    expect(stripWrappingFence("````md\n# Use\n```sh\nrun\n```\n````")).toBe("# Use\n```sh\nrun\n```\n");
  });
});
