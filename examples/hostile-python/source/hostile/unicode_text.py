"""Unicode: accents (é), CJK (中文), emoji (🎉) and maths (∑), counted by display width."""

import unicodedata

# The first line of the banner ends with a space, which must survive the trip to disk.
BANNER = """∑ résumé 
中文 🎉 naïve café"""

GREETINGS = {
    "fr": "Café crème, s'il vous plaît",
    "zh": "你好，世界",
    "emoji": "👋🌍",
}


def normalise(text: str) -> str:
    """NFC form: 'e' + U+0301 becomes the single character 'é'."""
    return unicodedata.normalize("NFC", text)


def display_width(text: str) -> int:
    """Columns a terminal uses: wide (W) and fullwidth (F) characters take two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def summation_label(values: list[float]) -> str:
    """'∑ = 6' for [1, 2, 3]; the Greek capital sigma Σ is a different character from ∑."""
    total = sum(values)
    shown = int(total) if float(total).is_integer() else round(total, 3)
    return f"∑ = {shown}"
