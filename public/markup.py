"""Page content: Markdown written by a council's editor, turned into HTML through an allow-list sanitiser.

Two layers. `problems_in` refuses, with a reason the editor can act on, any content whose Markdown would make
HTML outside the allow-list (raw HTML such as <script> or <style>, event handler attributes, images, links to
anything but https, http, mailto and tel): nothing like that is ever saved. `render` then sanitises whatever it
is given with nh3 (the Rust `ammonia` sanitiser) against the same allow-list, so even a row written some other
way cannot put script on a public page. GOV.UK classes are set by the sanitiser, never taken from the content.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "br", "hr", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"https", "http", "mailto", "tel"}
# GOV.UK typography, added by the sanitiser to every allowed element that needs a class.
GOVUK_CLASSES = {
    "p": {"class": "govuk-body"},
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "hr": {"class": "govuk-section-break govuk-section-break--m govuk-section-break--visible"},
    "blockquote": {"class": "govuk-inset-text"},
}
# Dropped with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}


def markdown_to_html(text: str) -> str:
    """Markdown's own HTML, before sanitising (raw HTML in the text passes straight through here)."""
    return markdown.markdown(text or "", output_format="html")


def render(text: str) -> SafeString:
    """The page body as safe HTML: Markdown, then only allow-listed tags, attributes and link schemes."""
    cleaned = nh3.clean(
        markdown_to_html(text),
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        set_tag_attribute_values=GOVUK_CLASSES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just removed everything outside the allow-list


class _Inspector(HTMLParser):
    """Walks Markdown's output and notes every tag, attribute and link the allow-list would remove."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def _note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h1":
            self._note("Use ## for headings: the page title is the only top-level heading")
        elif tag == "img":
            self._note("Images cannot go in page content")
        elif tag not in ALLOWED_TAGS:
            self._note(f"Page content cannot contain HTML: remove <{tag}> and use Markdown instead")
        for name, value in attrs:
            if name.startswith("on"):
                self._note(f"Page content cannot contain event handlers: remove {name}")
            elif name == "style":
                self._note("Page content cannot contain styles: remove style")
            elif tag in ALLOWED_TAGS and name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self._note(f"Page content cannot set HTML attributes: remove {name}")
            elif name == "href" and not _allowed_link(value or ""):
                self._note(
                    f"Links must start with https://, http://, mailto:, tel: or / (found {(value or '')[:40]!r})"
                )

    def handle_comment(self, data: str) -> None:
        self._note("Page content cannot contain HTML comments")


def _allowed_link(href: str) -> bool:
    """An absolute link with an allowed scheme, or a path on this site (not "//host", which leaves it)."""
    href = href.strip()
    if href.startswith("/"):
        return not href.startswith("//")
    return urlsplit(href).scheme.lower() in ALLOWED_URL_SCHEMES


def problems_in(text: str) -> list[str]:
    """What in this Markdown the sanitiser would remove, each as a sentence for the editor; empty if nothing."""
    inspector = _Inspector()
    inspector.feed(markdown_to_html(text))
    inspector.close()
    return inspector.problems
