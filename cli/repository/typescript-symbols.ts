import type { SymbolTable } from "./python-symbols.ts";

export type ScriptParser = (files: Array<{ path: string; content: string }>) => Promise<SymbolTable>;

type TypeScriptModule = typeof import("typescript");

/**
 * The TypeScript compiler's own parser lists what a JavaScript or TypeScript module exports (decision 1203).
 * typescript is a devDependency of this project, so it is loaded only when needed, and a machine without it
 * gets a map that says so rather than guessed symbols.
 */
export function scriptSymbolParser(load: () => Promise<TypeScriptModule> = async () => ((await import("typescript")) as { default: TypeScriptModule }).default): ScriptParser {
  return async (files) => {
    const table: SymbolTable = new Map();
    if (files.length === 0) return table;
    let ts: TypeScriptModule;
    try {
      ts = await load();
    } catch {
      for (const file of files) table.set(file.path, { symbols: [], note: "no symbols: the typescript package is not installed" });
      return table;
    }
    for (const file of files) table.set(file.path, { symbols: exportedSymbols(ts, file.path, file.content) });
    return table;
  };
}

function isExported(ts: TypeScriptModule, node: import("typescript").Node): boolean {
  return (ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}

function exportedSymbols(ts: TypeScriptModule, filePath: string, content: string): string[] {
  const source = ts.createSourceFile(filePath, content, ts.ScriptTarget.Latest, true);
  const symbols: string[] = [];
  const header = (node: import("typescript").Node, body: import("typescript").Node | undefined) =>
    content.slice(node.getStart(source), body ? body.getStart(source) : node.getEnd()).replace(/\s+/g, " ").trim().replace(/[{;=]\s*$/, "").trim().replace(/^export\s+/, "");
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      symbols.push(statement.getText(source).replace(/\s+/g, " "));
      continue;
    }
    // CommonJS: `module.exports = { a, b }` and `exports.name = ...` are what such a module offers.
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = statement.expression.left.getText(source);
      if (/^(module\.)?exports(\.[A-Za-z_$][\w$]*)?$/.test(target)) {
        const value = statement.expression.right;
        symbols.push(ts.isObjectLiteralExpression(value) ? `${target} = { ${value.properties.map((property) => property.name?.getText(source) ?? property.getText(source)).join(", ")} }` : target);
      }
      continue;
    }
    if (!isExported(ts, statement)) continue;
    if (ts.isFunctionDeclaration(statement)) symbols.push(header(statement, statement.body));
    else if (ts.isClassDeclaration(statement)) {
      symbols.push(header(statement, statement.members[0] ?? undefined).replace(/\{.*$/, "").trim());
      for (const member of statement.members) {
        if (ts.isConstructorDeclaration(member)) {
          symbols.push(`  ${header(member, member.body)}`);
          continue;
        }
        const name = member.name?.getText(source);
        const isPrivate = (ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : []).some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword);
        if (!name || name.startsWith("#") || isPrivate) continue;
        if (ts.isMethodDeclaration(member)) symbols.push(`  ${header(member, member.body)}`);
      }
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) symbols.push(`const ${declaration.name.getText(source)}${declaration.type ? `: ${declaration.type.getText(source)}` : ""}`);
    } else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) {
      const keyword = ts.isInterfaceDeclaration(statement) ? "interface" : ts.isTypeAliasDeclaration(statement) ? "type" : "enum";
      symbols.push(`${keyword} ${statement.name.getText(source)}`);
    }
  }
  return symbols;
}
