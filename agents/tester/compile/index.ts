import type { CompileCheck } from "../runners/types.ts";
import { eslintCheck } from "./eslint.ts";
import { ruffCheck } from "./ruff.ts";
import { syntaxCheck } from "./syntax.ts";
import { cargoCheck, goVetCheck, typescriptCheck } from "./typed-languages.ts";

/** The PSP compile phase: each language's compiler or type checker, then its standard linter. */
export const compileChecks: readonly CompileCheck[] = [syntaxCheck, ruffCheck, typescriptCheck, eslintCheck, goVetCheck, cargoCheck];
