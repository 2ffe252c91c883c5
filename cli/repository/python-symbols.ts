import { execFile } from "node:child_process";

/** Per file: its public symbols with signatures, or why there are none (a syntax error). */
export type SymbolTable = Map<string, { symbols: string[]; note?: string }>;

/**
 * Python's own parser (the `ast` module) lists the public top-level functions, classes and their public
 * methods, with signatures as `ast.unparse` writes them (decision 1203): no regular expression guesses at
 * what is a definition. Every file goes in one process, as JSON on standard input.
 */
const script = String.raw`
import ast, json, sys

def signature(node):
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    return f"{prefix} {node.name}({ast.unparse(node.args)}){returns}"

def public(name):
    return not name.startswith("_")

result = {}
for path, source in json.load(sys.stdin).items():
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        result[path] = {"symbols": [], "note": f"syntax error at line {error.lineno}: {error.msg}"}
        continue
    symbols = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and public(node.name):
            symbols.append(signature(node))
        elif isinstance(node, ast.ClassDef) and public(node.name):
            bases = ", ".join(ast.unparse(base) for base in node.bases)
            symbols.append(f"class {node.name}({bases})" if bases else f"class {node.name}")
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and (public(member.name) or member.name == "__init__"):
                    symbols.append(f"  {signature(member)}")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and public(target.id) and target.id.isupper():
                    symbols.append(f"{target.id} = ...")
    result[path] = {"symbols": symbols}
json.dump(result, sys.stdout)
`;

export type PythonParser = (files: Array<{ path: string; content: string }>) => Promise<SymbolTable>;

export function pythonSymbolParser(python = "python3"): PythonParser {
  return (files) =>
    new Promise((resolve) => {
      const table: SymbolTable = new Map();
      if (files.length === 0) return resolve(table);
      const child = execFile(python, ["-c", script], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout) => {
        if (error) {
          // No Python on this machine: the map still lists the files, and says why it has no symbols.
          for (const file of files) table.set(file.path, { symbols: [], note: `no symbols: ${python} could not parse (${error.message.split("\n")[0]})` });
          return resolve(table);
        }
        for (const [path, entry] of Object.entries(JSON.parse(stdout) as Record<string, { symbols: string[]; note?: string }>)) table.set(path, entry);
        resolve(table);
      });
      child.stdin!.end(JSON.stringify(Object.fromEntries(files.map((file) => [file.path, file.content]))));
    });
}
