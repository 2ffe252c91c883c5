"""Counts the words and lines of a text."""

import re

# A word is a run of letters, digits or apostrophes ("don't" is one word).
_WORD = re.compile(r"[A-Za-z0-9']+")


def count_words(text: str) -> int:
    """Returns how many words the text has."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    return len(_WORD.findall(text))


def count_lines(text: str) -> int:
    """Returns how many lines the text has; a final newline does not start a new line."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    return len(text.splitlines())
