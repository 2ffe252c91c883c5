"""Accents, CJK, emoji and maths symbols, and the banner's trailing space."""

import unittest

from hostile.unicode_text import BANNER, GREETINGS, display_width, normalise, summation_label


class UnicodeTest(unittest.TestCase):
    def test_banner_keeps_its_trailing_space_and_characters(self):
        first, second = BANNER.split("\n")
        self.assertEqual(first, "∑ résumé ")
        self.assertEqual(second, "中文 🎉 naïve café")

    def test_normalise_composes_accents(self):
        decomposed = "e\u0301"
        self.assertEqual(len(decomposed), 2)
        self.assertEqual(normalise(decomposed), "é")

    def test_display_width(self):
        self.assertEqual(display_width("中文"), 4)
        self.assertEqual(display_width("🎉"), 2)
        self.assertEqual(display_width("e\u0301"), 1)
        self.assertEqual(display_width(GREETINGS["zh"]), 10)

    def test_summation_label_uses_the_n_ary_sum_sign(self):
        self.assertEqual(summation_label([1, 2, 3]), "∑ = 6")
        self.assertEqual(summation_label([0.1, 0.2]), "∑ = 0.3")
        self.assertNotEqual("∑", "Σ")
        self.assertEqual(ord(summation_label([])[0]), 0x2211)

    def test_greetings(self):
        self.assertEqual(GREETINGS["emoji"], "\U0001F44B\U0001F30D")
        self.assertIn("ç", "Ça va".lower())
        self.assertTrue(GREETINGS["fr"].startswith("Café"))


if __name__ == "__main__":
    unittest.main()
