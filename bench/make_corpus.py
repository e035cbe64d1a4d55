"""Write a deterministic benchmark corpus that resembles real archives: `python bench/make_corpus.py N OUT_DIR`.

Real think-tank archives carry far more distinct terms than the prose of one manual: about
28,000 per 10,000 English passages of 89 words, and a third of their passages in Chinese. So the
prose comes from several of Debian's packages of real text, fetched with `apt-get download` into
bench/cache/ and never committed: the Python documentation (python3.X-doc), the Debian Reference
in English and Chinese, and the fortune collections (literature, news, science, law, Tang
poetry). Paragraphs are recombined from their sentences and given what news prose has and manuals
lack: people's names, places, dates, sums and percentages. Articles are 20 to 300 passages long,
as Markdown with front matter, as the seed's PDF-derived layout and as HTML.

The calibration figures (distinct terms per 10,000 English passages, mean words, share of
Chinese, article lengths) are printed with every corpus; the goals ask for at least 25,000 terms
and a mean of 60-90 words. Without Debian's packages the prose falls back to the standard
library's pydoc_data topics, with a far smaller vocabulary (the figures then say so).
"""

from __future__ import annotations

import argparse
import html
import json
import math
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent / "cache"
POOL_VERSION = 2  # bump when the sources or their cleaning change
SHORTEST, LONGEST = 20, 300  # passages per article, drawn log-uniformly between them
CHINESE_SHARE = 1 / 3  # of passages
ENGLISH_WORDS = (20, 55, 130)  # fewest, most likely, most words in an English paragraph
CHINESE_CHARS = (60, 140, 320)
NEWS_EVERY = 4  # one English sentence in NEWS_EVERY gets a name, a place, a date or a sum
MONTHS = "January February March April May June July August September October November December".split()
PACKAGES = {
    "python-doc": None,  # found from python3-doc's dependency
    "debian-reference-en": "debian-reference-en",
    "debian-reference-zh-cn": "debian-reference-zh-cn",
    "fortunes": "fortunes",
    "fortunes-zh": "fortunes-zh",
    "wamerican-huge": "wamerican-huge",
}
FORTUNE_PROSE = (
    "literature news science law politics people wisdom education work humorists medicine "
    "miscellaneous definitions pratchett goedel platitudes love men-women food pets sports".split()
)
CHINESE_FORTUNES = ("chinese", "tang300", "song100")


# -- fetching -----------------------------------------------------------------------------------


def package_name(key: str) -> str | None:
    if PACKAGES[key]:
        return PACKAGES[key]
    show = subprocess.run(["apt-cache", "show", "python3-doc"], capture_output=True, text=True, check=True)
    found = re.search(r"Depends:.*?(python3\.\d+-doc)", show.stdout)
    return found[1] if found else None


def unpacked(key: str, cache: Path = CACHE) -> Path | None:
    """The package's files, downloaded and unpacked once into the cache (None if unavailable)."""
    root = cache / "debs" / key
    if (root / ".done").exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    try:
        name = package_name(key)
        subprocess.run(["apt-get", "download", name], cwd=root, check=True, capture_output=True, timeout=300)
        deb = sorted(root.glob(f"{name}_*.deb"))[-1]
        subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True, timeout=300)
        deb.unlink()
    except (OSError, subprocess.SubprocessError, TypeError, IndexError) as error:
        print(f"{key} unavailable ({error})", file=sys.stderr)
        return None
    (root / ".done").touch()
    return root


# -- the pools of sentences ---------------------------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
CHINESE_END = re.compile(r"(?<=[。！？；])")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def english_sentence(text: str) -> bool:
    words = text.split()
    letters = sum(c.isalpha() for c in text)
    return 5 <= len(words) <= 60 and letters > 0.7 * len(text.replace(" ", "")) and text[-1] in ".!?"


def html_paragraphs(folder: Path, pattern: str) -> list[str]:
    from bs4 import BeautifulSoup

    out = []
    for page in sorted(folder.rglob(pattern)):
        soup = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "lxml")
        for node in soup.find_all("p"):
            text = " ".join(node.get_text().split())
            if text:
                out.append(text)
    return out


def fortunes(folder: Path, names) -> list[str]:
    out = []
    for name in names:
        path = folder / "usr/share/games/fortunes" / name
        if path.exists():
            for entry in path.read_text(encoding="utf-8", errors="replace").split("\n%\n"):
                entry = ANSI.sub("", entry)
                lines = [
                    line for line in entry.splitlines() if not line.strip().startswith(("--", "《", "作者"))
                ]
                out.append(" ".join(" ".join(lines).split()))
    return out


def english_pool(cache: Path, light: bool = False) -> list[str]:
    paragraphs = []
    if not light and (docs := unpacked("python-doc", cache)):
        paragraphs += html_paragraphs(docs, "*.html")
    if not light and (reference := unpacked("debian-reference-en", cache)):
        paragraphs += html_paragraphs(reference, "*.en.html")
    if fortune := unpacked("fortunes", cache):
        paragraphs += fortunes(fortune, FORTUNE_PROSE)
    if not paragraphs:
        from pydoc_data.topics import topics

        paragraphs = [" ".join(block.split()) for text in topics.values() for block in text.split("\n\n")]
    return [s for p in paragraphs for s in SENTENCE_END.split(p) if english_sentence(s)]


def chinese_pool(cache: Path, light: bool = False) -> list[str]:
    paragraphs = []
    if not light and (reference := unpacked("debian-reference-zh-cn", cache)):
        paragraphs += html_paragraphs(reference, "*.zh-cn.html")
    if fortune := unpacked("fortunes-zh", cache):
        paragraphs += fortunes(fortune, CHINESE_FORTUNES)
    han = re.compile(r"[\u4e00-\u9fff]")
    return [
        s.strip()
        for p in paragraphs
        for s in CHINESE_END.split(p)
        if len(s.strip()) >= 8 and len(han.findall(s)) > 0.5 * len(s.strip())
    ]


def names_pool(cache: Path) -> tuple[list[str], list[str]]:
    """Proper names (capitalised entries of the huge American word list) and rarer words."""
    words = unpacked("wamerican-huge", cache)
    listing = words / "usr/share/dict/american-english-huge" if words else None
    if not listing or not listing.exists():
        return ["Ivanova", "Chen", "Okafor", "Tanaka", "Moreau"], ["unprecedented", "escalation"]
    entries = [w for w in listing.read_text(encoding="utf-8", errors="replace").split() if "'" not in w]
    proper = [w for w in entries if w[0].isupper() and w[1:].islower() and 4 <= len(w) <= 12]
    plain = [w for w in entries if w.islower() and w.isalpha() and 6 <= len(w) <= 14]
    return proper, plain


def pools(cache: Path = CACHE, light: bool = False) -> dict[str, list[str]]:
    """Sentence pools, cached as JSON: English, Chinese, names, rare words. `light`: the fortune
    collections only (seconds instead of minutes, for the smoke run; a smaller vocabulary)."""
    path = cache / f"pools-v{POOL_VERSION}{'-light' if light else ''}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    cache.mkdir(parents=True, exist_ok=True)
    names, rare = names_pool(cache)
    found = {
        "english": english_pool(cache, light),
        "chinese": chinese_pool(cache, light),
        "names": names,
        "rare": rare,
    }
    path.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    return found


# -- writing articles ---------------------------------------------------------------------------


class Writer:
    """Paragraphs and articles from the pools, deterministic for a seed."""

    def __init__(self, pool: dict[str, list[str]], seed: int = 1):
        self.pool = pool
        self.random = random.Random(seed)

    def name(self) -> str:
        return f"{self.random.choice(self.pool['names'])} {self.random.choice(self.pool['names'])}"

    def news(self, sentence: str) -> str:
        """A sentence given what news prose has: a speaker, a place and date, a sum, a rarer word."""
        r = self.random
        choice = r.randrange(5)
        if choice == 0:
            return f"{self.name()}, {r.choice(['an adviser', 'a minister', 'a spokesperson', 'an analyst'])} in {r.choice(self.pool['names'])}, said: {sentence}"
        if choice == 1:
            return f"On {MONTHS[r.randrange(12)]} {r.randrange(1, 29)}, {r.randrange(1990, 2026)}, {sentence[0].lower()}{sentence[1:]}"
        if choice == 2:
            return f"{sentence[:-1]}, at a cost of ${r.randrange(2, 900)}.{r.randrange(10)} {r.choice(['million', 'billion'])}."
        if choice == 3:
            return f"{sentence[:-1]} ({r.randrange(3, 97)}.{r.randrange(10)} percent of {r.randrange(1200, 98000):,} cases)."
        return f"{sentence[:-1]}, {r.choice(['a', 'the'])} {r.choice(self.pool['rare'])} {r.choice(['matter', 'question', 'measure', 'concern'])}."

    def english(self) -> str:
        low, mode, high = ENGLISH_WORDS
        target, words, out = self.random.triangular(low, high, mode), 0, []
        while words < target:
            sentence = self.random.choice(self.pool["english"])
            if self.random.randrange(NEWS_EVERY) == 0:
                sentence = self.news(sentence)
            out.append(sentence)
            words += len(sentence.split())
        return " ".join(out).replace("*", "").replace("#", "").replace("[", "(").replace("]", ")")

    def chinese(self) -> str:
        low, mode, high = CHINESE_CHARS
        target, out = self.random.triangular(low, high, mode), ""
        while len(out) < target:
            out += self.random.choice(self.pool["chinese"])
        return out

    def title(self, chinese: bool) -> str:
        if chinese:
            return self.random.choice(self.pool["chinese"])[:18].rstrip("。！？；，")
        words = self.random.choice(self.pool["english"]).split()[:7]
        return " ".join(words).rstrip(".,:;!?").title()

    def article(self, number: int, passages: int, chinese: bool) -> tuple[str, str, list[str]]:
        """(file name, text, paragraphs) of one article of about `passages` passages."""
        r = self.random
        paragraphs = [self.chinese() if chinese else self.english() for _ in range(passages)]
        year, month = r.randrange(2000, 2026), r.randrange(1, 13)
        meta = {
            "title": self.title(chinese),
            "authors": [self.name() for _ in range(r.choice((1, 1, 1, 2, 3)))],
            "date": f"{year}-{month:02d}-{r.randrange(1, 29):02d}",
            "journal": r.choice(JOURNALS),
            "volume": year - 1990,
            "issue": month % 4 + 1,
        }
        kind = number % 10
        if kind == 9:
            return f"article-{number:05d}.html", html_article(meta, paragraphs, r), paragraphs
        if kind in (3, 7) and not chinese:
            return f"article-{number:05d}.md", seed_like(meta, paragraphs, r), paragraphs
        return f"article-{number:05d}.md", markdown_article(meta, paragraphs, r), paragraphs


JOURNALS = (
    "Comparative Connections",
    "Asia Policy",
    "Strategic Review",
    "Journal of Contemporary China Studies",
    "Pacific Affairs Quarterly",
    "中国国际战略评论",
)


def sections(paragraphs: list[str], r: random.Random) -> list[list[str]]:
    out, i = [], 0
    while i < len(paragraphs):
        size = r.randrange(4, 16)
        out.append(paragraphs[i : i + size])
        i += size
    return out


def heading(text: str, r: random.Random) -> str:
    """A section heading from a paragraph's opening: a few words, or 6-12 Chinese characters."""
    if re.match(r"[\u4e00-\u9fff]", text):
        return text[: r.randrange(6, 13)].rstrip("。！？；，、")
    return " ".join(text.split()[: r.randrange(3, 8)]).rstrip(".,:;")


def markdown_article(meta: dict, paragraphs: list[str], r: random.Random) -> str:
    quoted = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731  (a JSON string is YAML)
    authors = "\n".join(f"  - {quoted(a)}" for a in meta["authors"])
    lines = [
        "---",
        f"title: {quoted(meta['title'])}",
        f"authors:\n{authors}",
        f"date: {meta['date']}",
        f"journal: {quoted(meta['journal'])}",
        f"volume: {meta['volume']}",
        f"issue: {meta['issue']}",
        "---",
        "",
    ]
    for n, section in enumerate(sections(paragraphs, r)):
        lines += [f"## {n + 1}. {heading(section[0], r)}", ""]
        for text in section:
            lines += [text, ""]
    return "\n".join(lines)


def html_article(meta: dict, paragraphs: list[str], r: random.Random) -> str:
    head = [
        f"<title>{html.escape(meta['title'])}</title>",
        f'<meta name="citation_title" content="{html.escape(meta["title"])}">',
        *(f'<meta name="citation_author" content="{html.escape(a)}">' for a in meta["authors"]),
        f'<meta name="citation_publication_date" content="{meta["date"]}">',
        f'<meta name="citation_journal_title" content="{html.escape(meta["journal"])}">',
        f'<meta name="citation_volume" content="{meta["volume"]}">',
        f'<meta name="citation_issue" content="{meta["issue"]}">',
    ]
    body = [f"<h1>{html.escape(meta['title'])}</h1>"]
    for section in sections(paragraphs, r):
        body.append(f"<h2>{html.escape(heading(section[0], r))}</h2>")
        body += [f"<p>{html.escape(text)}</p>" for text in section]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        + "\n".join(head)
        + "\n</head><body><nav><a href='/'>Home</a></nav><article>\n"
        + "\n".join(body)
        + "\n</article><footer>© The publisher</footer></body></html>\n"
    )


def seed_like(meta: dict, paragraphs: list[str], r: random.Random) -> str:
    """The seed's PDF-derived layout: capitals header, lead, citation note, headed sections,
    figure captions and a dated chronology (its last passages become entries)."""
    year = int(meta["date"][:4])
    entries = max(3, len(paragraphs) // 8)
    body, chronology = paragraphs[:-entries], paragraphs[-entries:]
    first_page = r.randrange(1, 400)
    lines = [
        meta["journal"].upper(),
        meta["title"].upper(),
        ", ".join(a.upper() for a in meta["authors"]) + ", BENCH UNIVERSITY",
        body[0],
        f"This article is extracted from *{meta['journal']}*, Vol. {meta['volume']}, No. {meta['issue']}, "
        f"{MONTHS[int(meta['date'][5:7]) - 1]} {year}. Preferred citation: {meta['authors'][0]}, "
        f"“{meta['title']},” *{meta['journal']}*, Vol. {meta['volume']}, No. {meta['issue']}, "
        f"pp {first_page}-{first_page + len(body) // 5}.",
    ]
    for n, section in enumerate(sections(body[1:], r)):
        lines.append(f"SECTION {n + 1}: {heading(section[0], r).upper()}")
        lines += section
        if n % 2 == 0:
            lines.append(f"Figure {n // 2 + 1} {section[0].split('. ')[0].rstrip('.')}. Photo: Bench Archive")
    lines += [f"CHRONOLOGY OF {meta['title'].upper()}", f"JANUARY – DECEMBER {year}"]
    for i, text in enumerate(chronology):
        lines.append(f"{MONTHS[i % 12]} {i % 27 + 1}, {year}: {text}")
    return "\n\n".join(lines) + "\n"


# -- the corpus ---------------------------------------------------------------------------------


def lengths(size: int, r: random.Random) -> list[int]:
    """Article lengths, log-uniform between SHORTEST and LONGEST, adding up to about `size`."""
    out, total = [], 0
    while total < size:
        n = round(math.exp(r.uniform(math.log(SHORTEST), math.log(LONGEST))))
        n = min(n, max(SHORTEST, size - total)) if size - total >= SHORTEST else n
        out.append(n)
        total += n
    return out


def calibration(english: list[str], chinese: list[str], lengths_: list[int]) -> dict:
    """What the goals ask of the corpus, measured with the archive's own analyzer."""
    from archive.engine.analysis import analyze

    per = 10_000
    sample = english[:per]
    terms = set()
    for text in sample:
        terms.update(analyze(text))
    return {
        "passages": len(english) + len(chinese),
        "articles": len(lengths_),
        # Vocabulary grows slower than the text (Heaps' law): never scaled from a smaller sample.
        "distinct_terms_per_10k_english": len(terms) if len(sample) == per else None,
        "distinct_terms_in_sample": len(terms),
        "english_mean_words": round(sum(len(t.split()) for t in english) / max(1, len(english)), 1),
        "chinese_share": round(len(chinese) / max(1, len(english) + len(chinese)), 3),
        "chinese_mean_chars": round(sum(map(len, chinese)) / max(1, len(chinese)), 1),
        "article_passages_min_median_max": [
            min(lengths_),
            sorted(lengths_)[len(lengths_) // 2],
            max(lengths_),
        ],
        "terms_measured_on": len(sample),
    }


def write_corpus(size: int, out: Path, seed: int = 1, light: bool = False) -> dict:
    """Write about `size` passages into `out` (replacing it); returns the calibration figures."""
    writer = Writer(pools(light=light), seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    sizes = lengths(size, writer.random)
    english, chinese, chinese_written = [], [], 0
    for number, n in enumerate(sizes):
        is_chinese = chinese_written < CHINESE_SHARE * (sum(sizes[:number]) + n) and bool(
            writer.pool["chinese"]
        )
        name, text, paragraphs = writer.article(number, n, is_chinese)
        (out / name).write_text(text, encoding="utf-8")
        (chinese if is_chinese else english).extend(paragraphs)
        chinese_written += n if is_chinese else 0
    return calibration(english, chinese, sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("passages", type=int, help="about how many passages")
    parser.add_argument("out", type=Path, help="folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(write_corpus(args.passages, args.out, args.seed), ensure_ascii=False))


if __name__ == "__main__":
    main()
