"""Current screenshots of the archive's pages, light and dark: `make screenshots`.

Builds an index of corpus/ in a temporary folder, serves it on 127.0.0.1 with waitress, and lets
Debian's Chromium (driven by Playwright) photograph the home page, a results page, the reader
arrived at from a search, and a paragraph's page with its Cite panel. The README shows two.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress import create_server

from archive.reindex import reindex
from archive.web import create_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1280, 860
QUERY = "strategic partnership"
BASE_URL = "https://archive.example.org"  # permalinks as a public archive shows them, not a port


def addresses(page, base: str) -> dict[str, str]:
    """Each page kind and the address that shows it: the reader and the paragraph page are
    those of the first hit of QUERY, as a user would reach them."""
    results = base + "/search?q=" + QUERY.replace(" ", "+")
    page.goto(results)
    return {
        "home": base + "/",
        "results": results,
        "reader": base + page.locator("li.hit a.hit-place").first.get_attribute("href"),
        "paragraph": base + page.locator("li.hit a.cite-link").first.get_attribute("href").split("#")[0],
    }


def take(base: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, color_scheme=scheme)
            page = context.new_page()
            for name, url in addresses(page, base).items():
                page.goto(url)
                path = out / f"{name}-{scheme}.png"
                page.screenshot(path=str(path))
                written.append(path)
            context.close()
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        index = Path(scratch) / "index"
        report = reindex(args.corpus, index)
        if not report.ok:
            print(f"the corpus could not be indexed: {report.failed}", file=sys.stderr)
            return 1
        app = create_app(
            {
                "INDEX": str(index),
                "CORPUS": str(args.corpus),
                "BUILD_MISSING_INDEX": False,
                "BASE_URL": BASE_URL,
            }
        )
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        try:
            for path in take(f"http://127.0.0.1:{server.effective_port}", args.out):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
