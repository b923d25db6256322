"""The allow-list sanitiser (public.markup): hostile page content is refused with a reason when saved, and even
content that reached the database some other way renders with no script, style, event handler or unsafe link."""

import pytest

from public.markup import problems_in, render

HOSTILE_CONTENT = {
    "script tag": ("<script>alert(1)</script>", "remove <script>"),
    "script in a paragraph": ("Hello <script>document.cookie</script> there", "remove <script>"),
    "style tag": ("<style>body{display:none}</style>", "remove <style>"),
    "style attribute": ('<p style="color:red">Red</p>', "cannot contain styles"),
    "event handler": ('<a href="https://example.org" onclick="alert(1)">x</a>', "event handlers: remove onclick"),
    "image onerror": ('<img src=x onerror="alert(1)">', "Images cannot go in page content"),
    "svg onload": ("<svg onload=alert(1)></svg>", "remove <svg>"),
    "iframe": ('<iframe src="https://evil.example"></iframe>', "remove <iframe>"),
    "javascript link": ("[Click me](javascript:alert(1))", "Links must start with"),
    "data link": ("[Click me](data:text/html;base64,PHNjcmlwdD4=)", "Links must start with"),
    "vbscript link": ("[x](vbscript:msgbox(1))", "Links must start with"),
    "protocol-relative link": ("[x](//evil.example/)", "Links must start with"),
    "markdown image": ("![a cat](https://example.org/cat.png)", "Images cannot go in page content"),
    "html comment": ("<!-- <script>alert(1)</script> -->", "HTML comments"),
    "form": ('<form action="https://evil.example"><input name=q></form>', "remove <form>"),
    "object": ('<object data="x.swf"></object>', "remove <object>"),
    "class attribute": ('<p class="govuk-button">Fake button</p>', "cannot set HTML attributes: remove class"),
    "top heading": ("# A second page title", "Use ## for headings"),
}


@pytest.mark.parametrize(("text", "reason"), HOSTILE_CONTENT.values(), ids=HOSTILE_CONTENT.keys())
def test_hostile_content_is_refused_with_a_reason(text, reason):
    problems = problems_in(text)
    assert problems, f"{text!r} was not refused"
    assert any(reason in problem for problem in problems), problems


@pytest.mark.parametrize(("text", "reason"), HOSTILE_CONTENT.values(), ids=HOSTILE_CONTENT.keys())
def test_hostile_content_renders_with_nothing_dangerous(text, reason):
    html = str(render(text)).lower()
    for danger in ("<script", "<style", "<iframe", "<svg", "<img", "<form", "<object", "javascript:", "vbscript:"):
        assert danger not in html, (text, html)
    assert "onclick" not in html and "onerror" not in html and "onload" not in html
    assert "style=" not in html and "data:text" not in html


def test_markdown_becomes_govuk_html():
    html = str(
        render(
            "Some **bold** text.\n\n## A heading\n\n- one\n- two\n\nThen:\n\n1. first\n\n[Helpline](https://example.org)"
        )
    )
    assert '<p class="govuk-body">Some <strong>bold</strong> text.</p>' in html
    assert '<h2 class="govuk-heading-m">A heading</h2>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<ol class="govuk-list govuk-list--number">' in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html and "govuk-link" in html


@pytest.mark.parametrize(
    "text",
    [
        "Plain words only.",
        "Call [116 000](tel:116000) or [email us](mailto:help@example.test).",
        "[Our form](/help/901/tell-us-about-a-child/) and <https://www.example.org/>",
        "> A quote from a young person\n\n---\n\n### A smaller heading",
        "Text with & ampersands < and > signs that are not HTML",
    ],
)
def test_ordinary_content_is_accepted(text):
    assert problems_in(text) == []


def test_text_that_looks_like_html_is_shown_as_text():
    html = str(render("5 < 6 and 7 > 3 & done"))
    assert "5 &lt; 6 and 7 &gt; 3 &amp; done" in html
