"""Windows paths: backslashes everywhere. This file has CRLF line endings on purpose."""

import ntpath

# Raw strings keep \n, \t and \x41 as two or four characters each: nothing here is a newline or a tab.
RAW_EXAMPLE = r"C:\new\table\x41"
ESCAPED_EXAMPLE = "C:\\new\\table\\x41"
UNC_SHARE = r"\\server\share\docs"
DRIVE_ROOT = "C:\\"


def split_windows_path(path: str) -> tuple[str, list[str]]:
    """Splits 'C:\\Users\\Zoë\\file.txt' into ('C:', ['Users', 'Zoë', 'file.txt'])."""
    drive, rest = ntpath.splitdrive(path)
    parts = [part for part in rest.replace("/", "\\").split("\\") if part]
    return drive, parts


def to_windows(posix_path: str) -> str:
    """'/c/Users/me' -> 'C:\\Users\\me'; a path without a drive keeps its backslashes only."""
    parts = [part for part in posix_path.split("/") if part]
    if posix_path.startswith("/") and parts and len(parts[0]) == 1:
        return parts[0].upper() + ":\\" + "\\".join(parts[1:])
    return "\\".join(parts)


def join_windows(*parts: str) -> str:
    """join_windows("C:\\", "\\Users\\", "me") -> 'C:\\Users\\me': single backslashes, whatever the parts hold."""
    cleaned = [part.strip("\\/") for part in parts if part.strip("\\/")]
    return "\\".join(cleaned)
