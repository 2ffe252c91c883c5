import { randomBytes } from "node:crypto";
import { rename, rm, symlink, writeFile } from "node:fs/promises";

/** A name next to the target that no other writer picks, so renaming it over the target is atomic. */
export const temporaryNameFor = (target: string) => `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;

/**
 * Writes to a temporary file and renames it over the target: a reader (or a process that starts
 * from the file) sees the old content or the new one, never half of either.
 */
export async function writeFileAtomically(target: string, content: string | Uint8Array): Promise<void> {
  const temporary = temporaryNameFor(target);
  try {
    await writeFile(temporary, content);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Points a symbolic link somewhere new in one rename, for the same reason. */
export async function replaceSymbolicLink(link: string, target: string): Promise<void> {
  const temporary = temporaryNameFor(link);
  try {
    await symlink(target, temporary);
    await rename(temporary, link);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
