"""Write a deterministic benchmark corpus of real prose: `python bench/make_corpus.py N OUT_DIR`.

The prose is the English of the Python documentation as Debian ships it (python3.X-doc, fetched
with `apt-get download` and unpacked with `dpkg -x` into bench/cache/). Articles copy the seed's
PDF-derived layout: an ALL-CAPS header, a lead, the journal's citation note, headed sections of
paragraphs (some split across page breaks), figure captions and a dated chronology. One article in
ten is a documentation page's own HTML, so the HTML path is measured too. Where Debian's package
cannot be had, the prose comes from the standard library's pydoc_data topics instead.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent / "cache"
PASSAGES_PER_ARTICLE = 100
HTML_EVERY = 10
MONTHS = "January February March April May June July August September October November December".split()


def debian_docs(cache: Path = CACHE) -> Path | None:
    """The unpacked HTML documentation of Debian's python3-doc, downloaded once into the cache."""
    found = sorted(cache.glob("python-doc/usr/share/doc/python3*/html"))
    if found:
        return found[-1]
    cache.mkdir(parents=True, exist_ok=True)
    try:
        show = subprocess.run(
            ["apt-cache", "show", "python3-doc"], capture_output=True, text=True, check=True
        )
        package = re.search(r"Depends:.*?(python3\.\d+-doc)", show.stdout)[1]
        subprocess.run(
            ["apt-get", "download", package], cwd=cache, check=True, capture_output=True, timeout=300
        )
        deb = sorted(cache.glob(f"{package}_*.deb"))[-1]
        subprocess.run(["dpkg", "-x", str(deb), str(cache / "python-doc")], check=True, timeout=300)
        deb.unlink()
    except (OSError, subprocess.SubprocessError, TypeError) as error:
        print(f"python3-doc unavailable ({error}); using pydoc_data topics", file=sys.stderr)
        return None
    found = sorted(cache.glob("python-doc/usr/share/doc/python3*/html"))
    return found[-1] if found else None


def prose_pool(cache: Path = CACHE) -> tuple[list[str], list[Path]]:
    """Paragraphs of real prose (cached as JSON) and the documentation's HTML pages."""
    docs = debian_docs(cache)
    pool_file = cache / "prose.json"
    if pool_file.exists():
        pool = json.loads(pool_file.read_text(encoding="utf-8"))
    else:
        pool = extract_prose(docs) if docs else topics_prose()
        pool_file.write_text(json.dumps(pool), encoding="utf-8")
    pages = sorted(p for p in docs.rglob("*.html") if p.stat().st_size > 8000) if docs else []
    return pool, pages


def extract_prose(docs: Path) -> list[str]:
    from bs4 import BeautifulSoup

    pool = []
    for page in sorted(docs.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "html.parser")
        main = soup.find("div", attrs={"role": "main"}) or soup.body
        for paragraph in main.find_all("p") if main else []:
            text = " ".join(paragraph.get_text().split())
            if len(text.split()) >= 25 and text[-1] in ".:":
                pool.append(text)
    return pool


def topics_prose() -> list[str]:
    from pydoc_data.topics import topics

    pool = []
    for _, text in sorted(topics.items()):
        for block in re.split(r"\n\s*\n", text):
            flat = " ".join(block.split())
            if len(flat.split()) >= 25 and flat[-1] == ".":
                pool.append(flat)
    return pool


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s]


def paragraph(pool: list[str], n: int) -> str:
    """A paragraph of real sentences: the start of one pool paragraph and the end of another."""
    first, second = pool[n % len(pool)], pool[(n * 7919 + 13) % len(pool)]
    a, b = sentences(first), sentences(second)
    text = " ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :])
    text = text[0].upper() + text[1:]
    return text.replace("[", "(").replace("]", ")").replace("*", "").replace("#", "")


def split_mid_sentence(text: str) -> tuple[str, str]:
    """Two halves of a paragraph, cut after a word that ends no sentence (a page break)."""
    words = text.split()
    cut = len(words) // 2
    while cut < len(words) - 1 and re.search(r"[.,;:!?)\"”]$", words[cut - 1]):
        cut += 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def seed_like_article(pool: list[str], number: int, passages: int) -> str:
    """An article in the seed's PDF-derived layout with about `passages` passages."""
    base = number * passages
    title = " ".join(pool[base % len(pool)].split()[:6]).rstrip(".,:;")
    first_page = 100 + (number % 50) * 10
    chronology = max(4, passages // 8)
    figures = max(1, passages // 25)
    body = passages - chronology - figures - 1
    breaks = min(body // 4, 9)
    year, month = 2000 + number % 24, number % 12 + 1
    lines = [
        "COMPARATIVE", "CONNECTIONS", "A TRIANNUAL E-JOURNAL OF BILATERAL\nRELATIONS IN THE INDO-PACIFIC",
        "BENCHMARK RELATIONS", title.upper(), f"AUTHOR NUMBER{number}, BENCH UNIVERSITY",
        paragraph(pool, base),
        f"This article is extracted from *Comparative Connections: A Triannual E-Journal of Bilateral "
        f"Relations in the Indo-Pacific*, Vol. {year - 1998}, No. {month % 3 + 1}, {MONTHS[month - 1]} {year}. "
        f"Preferred citation: Author Number{number}, “{title.title()},” *Comparative Connections*, "
        f"Vol. {year - 1998}, No. {month % 3 + 1}, pp {first_page}-{first_page + breaks}.",
    ]  # fmt: skip
    split_every = max(1, body // max(breaks, 1))
    for i in range(body):
        if i % 12 == 0:
            lines.append(
                f"Section {i // 12 + 1} on {' '.join(pool[(base + i) % len(pool)].split()[1:4])}".rstrip(
                    ".,:;"
                )
            )
        text = paragraph(pool, base + i + 1)
        if breaks and i % split_every == split_every - 1 and i // split_every < breaks:
            lines.extend(split_mid_sentence(text))
        else:
            lines.append(text)
        if i % max(1, body // figures) == 0 and i // max(1, body // figures) < figures:
            lines.append(
                f"Figure {i // max(1, body // figures) + 1} {sentences(pool[(base + i) % len(pool)])[0]} Photo: Bench Archive"
            )
    lines += ["CHRONOLOGY OF BENCHMARK RELATIONS", f"{MONTHS[0].upper()} – {MONTHS[11].upper()} {year}"]
    for i in range(chronology):
        day, entry_month = i % 27 + 1, i % 12
        lines.append(f"{MONTHS[entry_month]} {day}, {year}: {sentences(paragraph(pool, base + body + i))[0]}")
    return "\n\n".join(lines) + "\n"


def write_corpus(size: int, out: Path) -> dict:
    """Write about `size` passages into `out` (replacing it); returns what was written."""
    pool, pages = prose_pool()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    articles = max(1, round(size / PASSAGES_PER_ARTICLE))
    html = 0
    for number in range(articles):
        if pages and number % HTML_EVERY == HTML_EVERY - 1:
            shutil.copy(pages[number % len(pages)], out / f"doc-{number:05d}.html")
            html += 1
        else:
            (out / f"article-{number:05d}.md").write_text(
                seed_like_article(pool, number, PASSAGES_PER_ARTICLE), encoding="utf-8"
            )
    return {"articles": articles, "html_articles": html, "prose_paragraphs": len(pool)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("passages", type=int, help="about how many passages")
    parser.add_argument("out", type=Path, help="folder to write (replaced)")
    args = parser.parse_args()
    print(json.dumps(write_corpus(args.passages, args.out)))


if __name__ == "__main__":
    main()
