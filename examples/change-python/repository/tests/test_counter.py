import unittest

from wordcount import count_lines, count_words


class CountWordsTest(unittest.TestCase):
    def test_counts_words_separated_by_spaces_and_punctuation(self):
        self.assertEqual(count_words("One, two; three."), 3)

    def test_keeps_apostrophes_inside_words(self):
        self.assertEqual(count_words("Don't stop"), 2)

    def test_rejects_non_text(self):
        with self.assertRaises(TypeError):
            count_words(42)


class CountLinesTest(unittest.TestCase):
    def test_final_newline_does_not_add_a_line(self):
        self.assertEqual(count_lines("a\nb\n"), 2)

    def test_empty_text_has_no_lines(self):
        self.assertEqual(count_lines(""), 0)


if __name__ == "__main__":
    unittest.main()
