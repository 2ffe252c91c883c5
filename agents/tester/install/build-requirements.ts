/**
 * What pip's build isolation installs before it can build a pyproject.toml project: `[build-system]
 * requires`, or pip's own fallback when the table is absent. The install reads only the wheelhouse, so
 * these must be downloaded into it first; `pip download .` fetches the project's dependencies, not them.
 */
const pipFallback = ["setuptools>=40.8.0"];

export function buildRequirements(pyproject: string): string[] {
  const table = pyproject.match(/^\s*\[build-system\]\s*$([\s\S]*?)(?=^\s*\[|(?![\s\S]))/m);
  if (!table) return pipFallback;
  const key = table[1]!.match(/^\s*requires\s*=\s*\[/m);
  if (!key) return pipFallback;
  // A small scanner rather than a TOML parser: quoted strings up to the array's closing bracket,
  // so extras such as "package[extra]" do not end it.
  const requirements: string[] = [];
  const text = table[1]!.slice(key.index! + key[0].length);
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (character === "]") return requirements;
    if (character === "#") index = text.indexOf("\n", index) === -1 ? text.length : text.indexOf("\n", index);
    else if (character === '"' || character === "'") {
      const end = text.indexOf(character, index + 1);
      if (end === -1) break;
      requirements.push(text.slice(index + 1, end).trim());
      index = end;
    }
  }
  return requirements;
}
