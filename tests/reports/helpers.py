import io
import re

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, parsed back with pypdf, with every run of white space made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def pdf_metadata(pdf: bytes) -> dict:
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    return dict(metadata)
