"""A real check of a PDF's layout: no two characters printed on a page overlap.

pdfplumber (on pdfminer.six) reads back where each character of the PDF is drawn, with its box; any two
characters whose boxes intersect by more than a hair are reported. Characters, not words: text drawn over
other text is read back as one jumbled word, such as "PBalagcek" for "Page" over "Black". Text over other
text is unreadable on paper, which is where grab-packs and partnership reports are used.
"""

import io
from dataclasses import dataclass

import pdfplumber

# Glyph boxes of neighbouring lines touch by a fraction of a point (ascenders and descenders): ignore that.
TOLERANCE_POINTS = 0.5


@dataclass(frozen=True)
class Overlap:
    page: int
    first: str
    second: str
    x: float
    top: float

    def __str__(self) -> str:
        return f"page {self.page}: {self.first!r} overlaps {self.second!r} at x={self.x:.0f}pt, top={self.top:.0f}pt"


def overlapping_text(pdf: bytes) -> list[Overlap]:
    """Every pair of printed characters that overlap on a page, in page order."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            chars = sorted((char for char in page.chars if char["text"].strip()), key=lambda char: char["x0"])
            for index, char in enumerate(chars):
                for other in chars[index + 1 :]:
                    if other["x0"] >= char["x1"] - TOLERANCE_POINTS:
                        break  # sorted by left edge: nothing further right can overlap this character
                    if _intersect(char, other):
                        found.append(Overlap(number, char["text"], other["text"], char["x0"], char["top"]))
    return found


def _intersect(a: dict, b: dict) -> bool:
    horizontal = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    vertical = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return horizontal > TOLERANCE_POINTS and vertical > TOLERANCE_POINTS
