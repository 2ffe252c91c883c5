import { execFile } from "node:child_process";

/** Runs one git command in a repository and returns its standard output; the one side effect of cli/repository. */
export type Git = (args: string[], options?: { input?: string | Buffer; env?: Record<string, string> }) => Promise<Buffer>;

export function gitIn(directory: string): Git {
  return (args, options = {}) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        "git",
        ["-C", directory, ...args],
        { encoding: "buffer", maxBuffer: 512 * 1024 * 1024, env: { ...process.env, ...options.env } },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`git ${args.join(" ")} failed in ${directory}: ${stderr.toString().trim() || error.message}`));
          else resolve(stdout);
        },
      );
      if (options.input !== undefined) child.stdin!.end(options.input);
    });
}
