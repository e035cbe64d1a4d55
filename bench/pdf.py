"""How fast PDFs are read: `python bench/pdf.py [--pages 20 300]` (or `make bench-pdf`).

Typesets articles of the given lengths (one and two columns, running headers, footnotes, page
numbers) with the test suite's typesetter, then parses each three times and reports the median
time and the pages per second. Goals: a 20-page article under 2 s, a 300-page one under 60 s.
No assertion: figures only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pdfs import heading, paragraph, typeset  # noqa: E402

from archive.parse import parse_file  # noqa: E402

PARAGRAPHS_PER_PAGE = 5.5  # of 60-140 words, as the typesetter sets them on a letter page
WORDS = (
    "harbour ministry treaty summit pipeline tariff frontier convoy delegation reactor satellite "
    "corridor embassy garrison ferry glacier ledger meadow orchard quarry timber willow estuary"
).split()


def article(pages: int, columns: int) -> list:
    """About `pages` pages of sections, paragraphs and footnotes."""
    rng = random.Random(pages * 10 + columns)
    items = [heading("A Long Report on Harbours and Treaties", 18)]
    for n in range(int(pages * PARAGRAPHS_PER_PAGE)):
        if n % 6 == 0:
            items.append(heading(f"Section {n // 6 + 1}"))
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 140)))
        note = {"n1": "A note on the sources of this paragraph."} if n % 7 == 3 else {}
        items.append(paragraph(words.capitalize() + (" as noted^1." if note else "."), **note))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[20, 300])
    args = parser.parse_args()
    print("| pages | columns | passages | median s | pages/s |\n|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for pages in args.pages:
            for columns in (1, 2):
                path = Path(tmp) / f"article-{pages}-{columns}.pdf"
                placed = typeset(
                    path, article(pages, columns), first_page=1, columns=columns, running_header="Bench"
                )
                printed = placed[-1].last_page
                times = []
                for _ in range(3):
                    started = time.perf_counter()
                    parsed = parse_file(path)
                    times.append(time.perf_counter() - started)
                median = statistics.median(times)
                print(
                    f"| {printed} | {columns} | {len(parsed.passages)} | {median:.2f} | {printed / median:.0f} |"
                )


if __name__ == "__main__":
    main()
