"""The generated files' bytes: CRLF, tabs, a trailing space and UTF-8 arrived exactly as written."""

import pathlib
import unittest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "hostile"


def read_bytes(name: str) -> bytes:
    return (PACKAGE / name).read_bytes()


class SourceBytesTest(unittest.TestCase):
    def test_paths_module_has_crlf_line_endings_only(self):
        data = read_bytes("paths.py")
        self.assertGreater(data.count(b"\r\n"), 10)
        self.assertEqual(data.count(b"\n"), data.count(b"\r\n"))

    def test_formatting_module_is_indented_with_tabs_only(self):
        lines = read_bytes("formatting.py").split(b"\n")
        self.assertTrue(any(line.startswith(b"\t\t\t") for line in lines))
        self.assertFalse(any(line.startswith(b" ") for line in lines))

    def test_banner_line_keeps_its_trailing_space(self):
        text = read_bytes("unicode_text.py").decode("utf-8")
        self.assertIn('BANNER = """∑ résumé \n', text)

    def test_unicode_is_utf8_not_escaped(self):
        data = read_bytes("unicode_text.py")
        for char in ("é", "中文", "🎉", "∑"):
            self.assertIn(char.encode("utf-8"), data)


if __name__ == "__main__":
    unittest.main()
