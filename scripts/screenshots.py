"""Take the README's screenshots of a running Homeward with synthetic data, in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000 --out docs/images

Signs in as the demo coordinator (`manage.py create_demo_users`), then saves full-page PNGs of
My work (my-work.png) and of the record of a child with several missing episodes and return
interviews (child-record.png), and the top of the council's network picture (network.png) and of
its dashboard (dashboard.png). `make screenshots` builds a throwaway synthetic database, serves it
and runs this script with DATABASE_URL pointing at it (the child is picked from that database). Only
synthetic data may ever be photographed: never point this at a live service.
"""

import argparse
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import FloatRect, Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHRONOLOGY = "Missing episodes, return interviews and meetings, newest first"


def _setup_django() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings")
    import django

    django.setup()


def demo_coordinator() -> tuple[str, str]:
    """The demo coordinator's username and password, from the code that creates them."""
    _setup_django()
    from access.models import Role
    from synthetic.demo import DEMO_PASSWORD, demo_username

    return demo_username(Role.COORDINATOR), DEMO_PASSWORD


def wait_for_server(base_url: str, seconds: int = 30) -> None:
    """`make screenshots` starts the server just before this script: give it time to listen."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/sign-in/", timeout=5):  # noqa: S310 (a URL the caller gave)
                return
        except OSError as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"Homeward is not answering at {base_url}: {exc}") from exc
            time.sleep(0.5)


def settle(page: Page) -> None:
    """Wait until the web fonts are in, so the picture shows GOV.UK Transport rather than a fallback."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => true)")


def demo_code(username: str) -> str:
    """The demo user's current two-factor code, from the published demo key (as `manage.py demo_totp` prints)."""
    _setup_django()
    from django_otp.oath import TOTP

    from synthetic.demo import demo_totp_key

    return f"{TOTP(bytes.fromhex(demo_totp_key(username))).token():06d}"


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    code_step = page.get_by_label("Code from your authenticator app")
    expect(code_step).to_be_visible()  # two-factor sign-in: the demo users' codes come from a published key
    code_step.fill(demo_code(username))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")


def child_with_history(username: str) -> int:
    """A child of the user's council with three to eight missing episodes (enough to tell a story, short enough
    for a README) and at least two return interviews, one of them completed, read from the database the server
    uses (`make screenshots` points both at the same throwaway file). One the demo's showcase filled (a Philomena
    profile, a placement history, a screening) is preferred, so the picture shows those sections with something
    in them."""
    _setup_django()
    from django.db.models import Count, Q

    from access.models import User
    from children.models import Child

    council = User.objects.get(username=username).agency
    found = (
        Child.objects.filter(responsible_council=council)
        .annotate(
            episode_count=Count("episodes", distinct=True),
            interview_count=Count("return_interviews", distinct=True),
            completed=Count(
                "return_interviews", filter=Q(return_interviews__completed_at__isnull=False), distinct=True
            ),
            profile_count=Count("philomena_profile", distinct=True),
            placement_count=Count("placements", distinct=True),
            screening_count=Count("screenings", distinct=True),
        )
        .filter(episode_count__gte=3, episode_count__lte=8, interview_count__gte=2, completed__gte=1)
        .order_by("-profile_count", "-placement_count", "-screening_count", "-interview_count", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise SystemExit("No child with a long enough history: is the synthetic data loaded? Name one with --child-id.")
    return found


def _around(box: FloatRect, page: Page) -> FloatRect:
    """The part's box (in the viewport) as page coordinates, widened to the main column with a margin above for
    its heading, so the picture has its context."""
    column = page.locator("main").bounding_box() or box
    scrolled = page.evaluate("() => window.scrollY")
    top = max(box["y"] + scrolled - 90, 0)
    return FloatRect(x=column["x"], y=top, width=column["width"], height=box["height"] + 110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="where Homeward is served")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images", help="folder for the PNGs")
    parser.add_argument("--username", help="default: the demo coordinator from create_demo_users")
    parser.add_argument("--password", help="default: the demo password from create_demo_users")
    parser.add_argument("--child-id", type=int, help="the child to photograph (default: one with a long history)")
    parser.add_argument("--chromium", default=os.environ.get("HOMEWARD_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        raise SystemExit(f"{args.chromium} is missing: install Debian's Chromium with `apt-get install chromium`.")
    username, password = args.username, args.password
    if not (username and password):
        demo_user, demo_password = demo_coordinator()
        username, password = username or demo_user, password or demo_password
    base_url = args.base_url.rstrip("/")
    wait_for_server(base_url)
    args.out.mkdir(parents=True, exist_ok=True)

    child_id = args.child_id or child_with_history(username)  # before Playwright: the ORM refuses its event loop
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="homeward-shots-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=args.chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
            timezone_id="Europe/London",
        )
        page = context.new_page()
        sign_in(page, base_url, username, password)
        settle(page)
        page.screenshot(path=str(args.out / "my-work.png"), full_page=True)
        print(f"saved {args.out / 'my-work.png'}")

        page.goto(f"{base_url}/children/{child_id}/")
        expect(page.get_by_role("table", name=CHRONOLOGY)).to_be_visible()
        settle(page)
        page.screenshot(path=str(args.out / "child-record.png"), full_page=True)
        print(f"saved {args.out / 'child-record.png'} ({page.get_by_role('heading', level=1).inner_text().strip()})")

        # These pages run long: the picture of the network, and the dashboard's first section of charts.
        for name, path, part in (
            ("network.png", "/network/", "figure.hw-net-figure"),
            ("dashboard.png", "/analytics/", "main figure.hw-figure >> nth=0"),
        ):
            page.goto(f"{base_url}{path}")
            settle(page)
            box = page.locator(part).bounding_box()
            if box is None:
                raise SystemExit(f"Nothing to photograph on {path}: is the synthetic data loaded?")
            page.screenshot(path=str(args.out / name), full_page=True, clip=_around(box, page))
            print(f"saved {args.out / name} ({page.get_by_role('heading', level=1).inner_text().strip()})")
        context.close()


if __name__ == "__main__":
    main()
