export * from "./asp-error.ts";
