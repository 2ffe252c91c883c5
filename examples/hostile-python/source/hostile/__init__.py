"""hostile: text that broke "JSON-embedded" code generation, kept as a test of raw file transport.

Every module here holds something a JSON string escapes badly: ''' and \""" quotes, backslashes,
regular expressions, nested f-strings, unicode (é, 中文, 🎉, ∑), CRLF line endings and tabs.
"""

from hostile.docstrings import quote_styles, triple_single, triple_double
from hostile.formatting import format_table, format_call, describe
from hostile.paths import split_windows_path, to_windows, join_windows
from hostile.patterns import parse_assignments, find_dates, quoted_words
from hostile.unicode_text import BANNER, display_width, normalise, summation_label

__all__ = [
    "BANNER",
    "describe",
    "display_width",
    "find_dates",
    "format_call",
    "format_table",
    "join_windows",
    "normalise",
    "parse_assignments",
    "quote_styles",
    "quoted_words",
    "split_windows_path",
    "summation_label",
    "to_windows",
    "triple_double",
    "triple_single",
]
