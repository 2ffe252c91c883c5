import { ValidationError } from "../../errors/index.ts";

/** The largest file a writer returns; larger model output is rejected, not truncated. */
export const maximumFileBytes = 1024 * 1024;

/**
 * Model output is untrusted data. A generated source file is text: a NUL byte means binary content,
 * and a megabyte of it means a runaway generation. Either is refused with the reason, per file.
 */
export function checkFileContent(path: string, content: string, limitBytes = maximumFileBytes): void {
  const bytes = Buffer.byteLength(content, "utf8");
  if (bytes > limitBytes) {
    throw new ValidationError(`the model's content for ${path} is ${bytes} bytes, over the ${limitBytes}-byte limit for one file`, { code: "file_too_large" });
  }
  const nul = content.indexOf("\u0000");
  if (nul >= 0) {
    throw new ValidationError(`the model's content for ${path} is binary (a NUL byte at offset ${nul}); only text files are written`, { code: "file_binary" });
  }
}
