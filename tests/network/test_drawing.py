"""The network picture's labels are wrapped whole under each node, never cut ("Adult known as 'Ski…")."""

import pytest

from network.drawing import LABEL_LINE_CHARACTERS, LABEL_LINES, label_lines


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Jordan Example", ["Jordan Example"]),
        ("Adult known as 'Skinny'", ["Adult known as", "'Skinny'"]),
        ("Takeaway on Northmoor High Street", ["Takeaway on", "Northmoor High", "Street"]),
    ],
)
def test_a_label_is_wrapped_in_whole_words(label, lines):
    assert label_lines(label) == lines
    assert " ".join(label_lines(label)) == label


def test_only_a_label_longer_than_the_lines_allow_ends_with_an_ellipsis():
    label = "A very long description of a place that goes on and on for many words indeed"
    lines = label_lines(label)
    assert len(lines) == LABEL_LINES and lines[-1].endswith("…")
    assert all(len(line) <= LABEL_LINE_CHARACTERS for line in lines)
