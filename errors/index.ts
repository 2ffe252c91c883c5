export * from "./asp-error.ts";
export * from "./error-codes.ts";
export * from "./rebuild-error.ts";
