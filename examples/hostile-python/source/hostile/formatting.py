"""f-strings with nested expressions, format specs, literal braces and quotes. Indented with tabs."""


def format_call(name: str, args: dict) -> str:
	"""format_call("f", {"b": 2, "a": "x"}) -> 'f(a='x', b=2)'."""
	return f"{name}({', '.join(f'{key}={value!r}' for key, value in sorted(args.items()))})"


def format_table(rows: list[tuple[str, float]], width: int = 8) -> str:
	"""Right-aligned names and two-decimal values in {braces}, one row a line."""
	lines = []
	for name, value in rows:
		if value < 0:
			# Mixed indentation would be a TabError: this whole file uses tabs only.
			lines.append(f"{name:>{width}} = {{{value:,.2f}}} (negative)")
		else:
			lines.append(f"{name:>{width}} = {{{value:,.2f}}}")
	return "\n".join(lines)


def describe(value) -> str:
	"""Nested quotes and a conditional inside one f-string."""
	kind = type(value).__name__
	return f"{kind}: {'empty' if not value else repr(value)} {dict(size=len(value))['size'] if hasattr(value, '__len__') else '-'}"
