"""Backslashes in and out: raw strings, escaped strings, drives and UNC shares."""

import unittest

from hostile.paths import DRIVE_ROOT, ESCAPED_EXAMPLE, RAW_EXAMPLE, UNC_SHARE, join_windows, split_windows_path, to_windows


class ConstantsTest(unittest.TestCase):
    def test_raw_and_escaped_spellings_are_the_same_text(self):
        self.assertEqual(RAW_EXAMPLE, ESCAPED_EXAMPLE)
        self.assertEqual(len(RAW_EXAMPLE), 16)
        self.assertNotIn("\n", RAW_EXAMPLE)
        self.assertNotIn("\t", RAW_EXAMPLE)
        self.assertEqual(RAW_EXAMPLE.count("\\"), 3)

    def test_unc_share_and_drive_root(self):
        self.assertTrue(UNC_SHARE.startswith("\\\\server"))
        self.assertEqual(DRIVE_ROOT, "C:" + chr(92))


class FunctionsTest(unittest.TestCase):
    def test_split_windows_path(self):
        self.assertEqual(split_windows_path("C:\\Users\\Zoë\\file.txt"), ("C:", ["Users", "Zoë", "file.txt"]))
        self.assertEqual(split_windows_path(r"D:\mixed/slashes\here"), ("D:", ["mixed", "slashes", "here"]))

    def test_to_windows(self):
        self.assertEqual(to_windows("/c/Users/me"), r"C:\Users\me")
        self.assertEqual(to_windows("docs/read me.txt"), "docs\\read me.txt")

    def test_join_windows(self):
        self.assertEqual(join_windows("C:\\", "\\Users\\", "me"), r"C:\Users\me")
        self.assertEqual(join_windows("a/", "", "/b"), "a\\b")


if __name__ == "__main__":
    unittest.main()
