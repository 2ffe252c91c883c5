import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const script = path.resolve("deploy/setup-machine.sh");

/** A machine with none of the tools: an empty PATH and an empty folder for the fixed-path checks. */
function bareMachine() {
  const folder = mkdtempSync(path.join(tmpdir(), "asp-setup-"));
  return { env: { PATH: folder, ASP_SETUP_ROOT: folder } };
}

function runSetup(args: string[], options: { env: Record<string, string>; asNobody?: boolean }) {
  const command = options.asNobody
    ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/env", "-i", ...Object.entries(options.env).map(([name, value]) => `${name}=${value}`), "/bin/bash", script, ...args]
    : ["/bin/bash", script, ...args];
  const result = spawnSync(command[0]!, command.slice(1), { env: options.asNobody ? {} : options.env, encoding: "utf8", timeout: 20_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const expectedInstall = "apt-get install -y nats-server chromium util-linux iproute2 bubblewrap libgtest-dev";

describe("npm run setup", () => {
  it("regression: on a fresh machine set up as the README says, npm test failed for want of chromium; setup names every missing tool and the exact commands", () => {
    const { status, output } = runSetup(["--check"], bareMachine());
    expect(status).toBe(1);
    expect(output).toContain("apt-get update");
    expect(output).toContain(expectedInstall);
    expect(output).toContain("python3 -m pip install ruff");
    expect(output).not.toContain("installing:");
  });

  // As root, the only way to see the non-root path is to drop to nobody; setpriv is in util-linux.
  const canDropToNobody = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;
  it.runIf(process.getuid?.() !== 0 || canDropToNobody)("not as root, it installs nothing: it prints the commands and exits non-zero", () => {
    const { status, output } = runSetup([], { ...bareMachine(), asNobody: canDropToNobody });
    expect(status).toBe(1);
    expect(output).toContain(expectedInstall);
    expect(output).not.toContain("installing:");
  });

  it(".ci/run installs through the same step instead of a list of its own", () => {
    const ci = readFileSync(".ci/run", "utf8");
    expect(ci).toContain("deploy/setup-machine.sh");
    expect(ci).not.toContain("apt-get");
    expect(JSON.parse(readFileSync("package.json", "utf8")).scripts.setup).toContain("deploy/setup-machine.sh");
  });

  it("regression: tsconfig.json included a config/ folder that does not exist and left out deploy/", () => {
    const include = (JSON.parse(readFileSync("tsconfig.json", "utf8")) as { include: string[] }).include;
    for (const entry of include.filter((name) => !name.includes("*"))) expect(existsSync(entry), `${entry} is in tsconfig.json`).toBe(true);
    // Every top-level folder holding TypeScript is type-checked.
    // out/ is build output (gitignored): the package build writes .d.ts files there, which are not sources.
    const folders = readdirSync(".").filter((name) => !name.startsWith(".") && !["node_modules", "out"].includes(name) && statSync(name).isDirectory());
    const withTypeScript = folders.filter((folder) => (readdirSync(folder, { recursive: true }) as string[]).some((file) => file.endsWith(".ts")));
    expect(withTypeScript).toContain("deploy");
    for (const folder of withTypeScript) expect(include, `${folder}/ holds TypeScript`).toContain(folder);
  });
});
