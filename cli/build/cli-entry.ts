// The entry of out/build/*/cli.mjs: the whole `asp` command, run by cli/bin.mjs and the Docker image.
import { main } from "../main.ts";

process.exitCode = await main(process.argv.slice(2));
