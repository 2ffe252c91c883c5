"""Tests that every quote survived: in docstrings, in return values and in escapes."""

import unittest

from hostile import docstrings
from hostile.docstrings import quote_styles, triple_double, triple_single


class DocstringTest(unittest.TestCase):
    def test_double_style_docstring_holds_single_triple_quotes(self):
        self.assertIn("'''", triple_single.__doc__)
        self.assertIn('it\'s "quoted"', triple_single.__doc__)

    def test_single_style_docstring_holds_double_triple_quotes_and_a_backslash(self):
        self.assertIn('"""', triple_double.__doc__)
        self.assertTrue(triple_double.__doc__.endswith("C:\\temp."))

    def test_module_docstring_holds_both_triple_quote_styles(self):
        self.assertIn("'''", docstrings.__doc__)
        self.assertIn('"""', docstrings.__doc__)

    def test_raw_docstring_keeps_backslash_sequences_and_a_fence(self):
        self.assertIn(r"\d+ and \n", quote_styles.__doc__)
        self.assertIn("```python", quote_styles.__doc__)


class ReturnValueTest(unittest.TestCase):
    def test_triple_quoted_return_values(self):
        self.assertEqual(triple_single(), 'He said "it\'s fine" and left a """ behind.')
        self.assertEqual(triple_double(), "She wrote 'done' then \"\"\"escaped\"\"\" and a lone \\ backslash.")

    def test_escapes(self):
        styles = quote_styles()
        self.assertEqual(styles["single"], "single 'escaped' quotes")
        self.assertEqual(styles["double"], 'double "escaped" quotes')
        self.assertEqual(styles["mixed"], "both ' and \" and  '''")
        self.assertEqual(styles["empty"], "")

    def test_unicode_escape_versus_literal_backslash_u(self):
        styles = quote_styles()
        self.assertEqual(styles["unicode_escape"], "café")
        self.assertEqual(len(styles["literal_backslash_u"]), 9)
        self.assertTrue(styles["literal_backslash_u"].startswith("caf\\u"))
        self.assertEqual(styles["dollar_brace"], "${HOME} is not expanded")


if __name__ == "__main__":
    unittest.main()
