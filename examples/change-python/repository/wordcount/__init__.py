"""wordcount: count the words and lines of a text."""

from wordcount.counter import count_lines, count_words

__all__ = ["count_lines", "count_words"]
