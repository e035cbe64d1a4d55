"""Lint a corpus: what the archive makes of every file, and what is missing or wrong."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .models import Article, ParseError
from .parse import ARTICLE_SUFFIXES, SIDECAR_SUFFIX, is_article_file, parse_file

EXPECTED_FIELDS = ("authors", "journal", "volume", "issue", "date", "first_page", "last_page")


@dataclass
class FileReport:
    """The outcome of parsing one corpus file."""

    path: Path
    article: Article | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def corpus_files(corpus: Path) -> list[Path]:
    """Article files under a corpus folder, in a stable order."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder {corpus} does not exist")
    return sorted(p for p in corpus.rglob("*") if p.is_file() and is_article_file(p))


def ignored_files(corpus: Path) -> list[Path]:
    """Files in the corpus the archive does not read (unknown types), so check can name them."""
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and not p.name.endswith(SIDECAR_SUFFIX)
        and p.suffix.lower() not in ARTICLE_SUFFIXES
    )


def check_file(path: Path) -> FileReport:
    """Parse one file into a report: the article and notes, or the reason it failed."""
    try:
        article = parse_file(path)
    except ParseError as error:
        return FileReport(path, error=error.reason)
    return FileReport(path, article, notes=article_notes(article))


def claim(report: FileReport, claimed: dict[str, Path]) -> FileReport:
    """The report, or a failure when another file already has its article id (two files, one slug)."""
    other = claimed.get(report.article.id) if report.article else None
    if other is not None and other != report.path:
        return FileReport(
            report.path, error=f"its id {report.article.id!r} is already used by {other}; rename one file"
        )
    return report


def article_notes(article: Article) -> list[str]:
    """Human-readable findings: counts, metadata found or missing, page inference, warnings."""
    kinds = Counter(p.kind for p in article.passages)
    counts = ", ".join(f"{kinds[k]} {k}" for k in ("lead", "paragraph", "figure", "chronology") if kinds[k])
    notes = [f"{len(article.passages)} passages ({counts}) in {len(article.sections)} sections"]
    authors = "; ".join(a.name for a in article.authors) or "—"
    notes.append(f"title: {article.title} | authors: {authors} | date: {article.date or '—'}")
    missing = [name for name in EXPECTED_FIELDS if not getattr(article, name)]
    if missing:
        notes.append("metadata missing: " + ", ".join(missing))
    if article.page_note:
        notes.append("pages: " + article.page_note)
    else:
        notes.append(f"pages: inferred {article.first_page}–{article.last_page}")
    notes.extend(f"warning: {w}" for w in article.warnings)
    return notes


def check_corpus(corpus: Path) -> list[FileReport]:
    """One report per article file, plus duplicate-id errors (two files, one slug)."""
    claimed: dict[str, Path] = {}
    reports = []
    for path in corpus_files(corpus):
        report = claim(check_file(path), claimed)
        if report.article is not None:
            claimed[report.article.id] = path
        reports.append(report)
    return reports
