import { readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "../../../errors/index.ts";

/**
 * A user's own settings files for the tools whose mirrors environment variables cannot set (Maven's
 * settings.xml, Cargo's source replacement) or that are easier to keep in one file (.npmrc, pip.conf).
 * The sandbox's private HOME hides the user's own copies, so each run gets a copy where the tool looks.
 */
export interface RegistryFiles {
  mavenSettings?: string;
  cargoConfig?: string;
  npmrc?: string;
  pipConfig?: string;
}

export const registryFileVariables = {
  mavenSettings: "ASP_MAVEN_SETTINGS",
  cargoConfig: "ASP_CARGO_CONFIG",
  npmrc: "ASP_NPMRC",
  pipConfig: "ASP_PIP_CONFIG",
} as const satisfies Record<keyof RegistryFiles, string>;

type RegistryFile = keyof RegistryFiles;

/** Read once at start: a path that does not exist or cannot be read stops the agent with the variable's name. */
export function readRegistryFiles(env: Record<string, string | undefined>): RegistryFiles {
  const files: RegistryFiles = {};
  for (const [key, variable] of Object.entries(registryFileVariables) as Array<[RegistryFile, string]>) {
    const file = env[variable];
    if (file === undefined || file === "") continue;
    try {
      files[key] = readFileSync(file, "utf8");
    } catch (error) {
      throw new ConfigError(`${variable}: cannot read the file "${file}" (${(error as Error).message})`);
    }
  }
  return files;
}

/**
 * Where each tool finds its copy inside one run's folder. Maven reads ${user.home}/.m2/settings.xml, and
 * the agent sets user.home to the run's HOME (Java takes it from the password file, not $HOME). Cargo reads
 * .cargo/config.toml in every folder above the project, and its CARGO_HOME is the shared cache, which other
 * runs share and the pruner empties, so the copy goes in the run's folder. The test phase keeps Maven's and
 * Cargo's: offline, Maven accepts only artifacts from repositories its settings name, and Cargo looks for a
 * replaced source's index. npm and pip need theirs only to download, so those go before the tests run.
 */
function placements(root: string, home: string): Record<RegistryFile, { file: string; testPhase: boolean }> {
  return {
    mavenSettings: { file: path.join(home, ".m2", "settings.xml"), testPhase: true },
    cargoConfig: { file: path.join(root, ".cargo", "config.toml"), testPhase: true },
    npmrc: { file: path.join(home, ".npmrc"), testPhase: false },
    pipConfig: { file: path.join(home, ".config", "pip", "pip.conf"), testPhase: false },
  };
}

/** Before the run's folder is handed to the sandbox user, who then owns them; 0600 because they may hold a token. */
export async function writeRegistryFiles(files: RegistryFiles, root: string, home: string): Promise<void> {
  const places = placements(root, home);
  for (const [key, content] of Object.entries(files) as Array<[RegistryFile, string | undefined]>) {
    if (content === undefined) continue;
    await mkdir(path.dirname(places[key].file), { recursive: true });
    await writeFile(places[key].file, content, { mode: 0o600 });
  }
}

/** After the install: the files the test phase does not need, so generated tests cannot read a token in them. */
export async function removeInstallOnlyRegistryFiles(root: string, home: string): Promise<void> {
  for (const place of Object.values(placements(root, home))) if (!place.testPhase) await rm(place.file, { force: true });
}
