"""Regular expressions with \d, \w, quotes of both kinds and escaped quotes inside the text they match."""

import re

# key = "value", where the value may hold escaped quotes (\") and escaped backslashes (\\).
ASSIGNMENT = re.compile(r'(?P<key>\w+)\s*=\s*"(?P<value>(?:[^"\\]|\\.)*)"')
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# A word in 'single' or "double" quotes; the closing quote must match the opening one.
QUOTED_WORD = re.compile(r"""(['"])(\w+)\1""")


def parse_assignments(text: str) -> dict[str, str]:
    """Parses key = "value" pairs; in values, \\" becomes " and \\\\ becomes \\."""
    result = {}
    for match in ASSIGNMENT.finditer(text):
        value = re.sub(r'\\(.)', r'\1', match.group("value"))
        result[match.group("key")] = value
    return result


def find_dates(text: str) -> list[tuple[int, int, int]]:
    """Every yyyy-mm-dd date in the text, as integers."""
    return [(int(y), int(m), int(d)) for y, m, d in ISO_DATE.findall(text)]


def quoted_words(text: str) -> list[str]:
    """Words wrapped in matching quotes: 'a' and "b" count, 'c" does not."""
    return [match.group(2) for match in QUOTED_WORD.finditer(text)]
