"""Nested f-strings, literal braces, format specs."""

import unittest

from hostile.formatting import describe, format_call, format_table


class FormattingTest(unittest.TestCase):
    def test_format_call_sorts_and_reprs_arguments(self):
        self.assertEqual(format_call("f", {"b": 2, "a": "x"}), "f(a='x', b=2)")
        self.assertEqual(format_call("g", {}), "g()")

    def test_format_table_literal_braces_and_alignment(self):
        table = format_table([("a", 1234.5), ("bb", -2)], width=4)
        self.assertEqual(table, "   a = {1,234.50}\n  bb = {-2.00} (negative)")

    def test_describe_nested_quotes_and_conditionals(self):
        self.assertEqual(describe([1, 2]), "list: [1, 2] 2")
        self.assertEqual(describe(""), "str: empty 0")
        self.assertEqual(describe(7), "int: 7 -")
        self.assertEqual(describe({"k": "v"}), "dict: {'k': 'v'} 1")


if __name__ == "__main__":
    unittest.main()
