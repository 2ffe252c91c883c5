import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors/index.ts";

export interface PromptStore {
  /** Renders `<agent>/<name>.v<version>.md` with `{{placeholders}}` filled; a missing value is an error. */
  render(name: string, version: number, values?: Record<string, string | number>): Promise<string>;
}

const placeholder = /\{\{(\w+)\}\}/g;

export function createPromptStore(directory = path.dirname(fileURLToPath(import.meta.url))): PromptStore {
  const cache = new Map<string, Promise<string>>();
  const load = (name: string, version: number) => {
    const file = path.join(directory, `${name}.v${version}.md`);
    let text = cache.get(file);
    if (!text) {
      text = readFile(file, "utf8").catch((error: unknown) => {
        cache.delete(file);
        throw new ConfigError(`prompt "${name}" version ${version} not found at ${file}`, { cause: error });
      });
      cache.set(file, text);
    }
    return text;
  };
  return {
    async render(name, version, values = {}) {
      const template = await load(name, version);
      return template.replace(placeholder, (_match, key: string) => {
        const value = values[key];
        if (value === undefined) throw new ConfigError(`prompt "${name}" v${version} needs a value for {{${key}}}`);
        return String(value);
      });
    },
  };
}
