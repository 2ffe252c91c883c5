/**
 * Builds out/build now (what cli/bin.mjs and the fleet otherwise do on demand): `npm run build`,
 * and the Docker image's build step. Prints the hash and whether anything had to be built.
 */
import path from "node:path";
import { ensureBuild } from "./ensure-build.ts";

const build = await ensureBuild();
const relative = (file: string) => path.relative(process.cwd(), file);
console.log(`${build.rebuilt ? "built" : "up to date:"} ${relative(build.agentBundle)} and ${relative(build.cliBundle)} (sources ${build.hash.slice(0, 16)})`);
