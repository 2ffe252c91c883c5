"""Regexes with \\d, \\w and quotes, applied to text full of quotes and escapes."""

import re
import unittest

from hostile.patterns import ASSIGNMENT, QUOTED_WORD, find_dates, parse_assignments, quoted_words


class AssignmentTest(unittest.TestCase):
    def test_values_with_escaped_quotes_and_backslashes(self):
        text = r'name = "Zoë \"Z\" O\'Neil" path="C:\\tmp\\x" empty = ""'
        self.assertEqual(parse_assignments(text), {"name": "Zoë \"Z\" O'Neil", "path": "C:\\tmp\\x", "empty": ""})

    def test_pattern_source_keeps_its_backslashes(self):
        self.assertIn(r"\w+", ASSIGNMENT.pattern)
        self.assertIn(r'[^"\\]', ASSIGNMENT.pattern)
        self.assertEqual(QUOTED_WORD.pattern, "(['\"])(\\w+)\\1")


class DatesAndQuotedWordsTest(unittest.TestCase):
    def test_iso_dates(self):
        self.assertEqual(find_dates("due 2024-02-29, not 2024-2-1 or 12024-01-01x"), [(2024, 2, 29)])

    def test_matching_quotes_only(self):
        self.assertEqual(quoted_words("""'one' "two" 'three" "four'"""), ["one", "two"])

    def test_digit_class_matches_unicode_digits_too(self):
        # \d in a str pattern is any Unicode decimal digit, which is why ISO_DATE is bounded by \b.
        self.assertTrue(re.fullmatch(r"\d+", "١٢٣"))


if __name__ == "__main__":
    unittest.main()
