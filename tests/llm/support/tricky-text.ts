/** Everything that broke the old JSON-embedded code: CRLF, tabs, unicode, backslashes, docstrings, a space before a newline. */
export const trickyPython = [
  "# -*- coding: utf-8 -*-\r\n",
  "def greet(name: str) -> str:\r\n",
  '\t"""Say hello.\r\n',
  "\r\n",
  '\tUses "quotes", \'single\', a backslash \\ and \\n escapes, ünïcödé ✓ and 🐍.\r\n',
  '\t"""\r\n',
  '\tpath = r"C:\\Users\\name\\new"  \n',
  "\treturn f\"Hello, {name}!\\t\"   \n",
  "\n",
  "PATTERN = '```not a fence```'\n",
].join("");
