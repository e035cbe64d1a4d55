"""The `archive` command: a thin shell over the library."""

from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path

import click

from .check import (
    article_notes,
    check_corpus,
    check_files,
    corpus_files,
    corpus_summary,
    report_record,
    scan_corpus,
)
from .cite import LOCATOR_KINDS, locator_of
from .citeproc_js import CiteprocError, CiteprocMissing
from .engine.documents import DamagedPayload
from .engine.folder import IndexUnavailable
from .engine.index import REBUILD, IndexHandle
from .engine.query import KINDS
from .parse import ARTICLE_SUFFIXES
from .records import cited_text
from .reindex import ReindexBusy, ensure_index, reindex
from .search import SORTS, Request, search
from .settings import SERVER_THREADS, setting
from .styles import StyleNotFound, list_styles


def corpus_option(function):
    return click.option(
        "--corpus",
        type=click.Path(file_okay=False, path_type=Path),
        default=lambda: setting("ARCHIVE_CORPUS"),
        show_default="$ARCHIVE_CORPUS or corpus/",
        help="Folder of articles.",
    )(function)


def index_option(function):
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=lambda: setting("ARCHIVE_INDEX"),
        show_default="$ARCHIVE_INDEX or index/",
        help="Folder of the built index.",
    )(function)


def open_handle(corpus: Path, index_dir: Path) -> IndexHandle:
    """The index, built first when it is missing; domain errors become CLI errors. It is closed
    when the command ends."""
    try:
        built = ensure_index(corpus, index_dir)
        if built is not None:
            for path, warning in built.warnings:
                click.echo(f"warning: {path}: {warning}", err=True)
            click.echo(f"Built the index: {built.summary()}", err=True)
        handle = IndexHandle(index_dir)
    except (IndexUnavailable, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from error
    click.get_current_context().call_on_close(handle.close)
    return handle


@click.group()
@click.version_option(package_name="archive")
def cli() -> None:
    """A searchable archive of journal articles.

    Parse, check, index, search and cite the articles in a corpus folder.
    """


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the parsed article as JSON.")
def parse(path: Path, as_json: bool) -> None:
    """Show what the archive makes of one article file.

    Example: archive parse corpus/cc-2019-09-china-russia.md --json
    """
    report = next(check_files([path]))
    if report.error or report.skipped:
        raise click.ClickException(f"{path}: {report.error or f'not read as an article: {report.skipped}'}")
    article = report.article
    if as_json:
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{article.id}: {article.title}")
    for note in article_notes(article):
        click.echo(f"  {note}")
    for passage in article.passages:
        where = f"§{passage.section_number}" if passage.section_number else "  "
        click.echo(f"  {passage.id:<40} {passage.kind:<10} {where:<4} {passage.text[:60]}")


@cli.command()
@click.argument(
    "folder", metavar="[CORPUS]", required=False, type=click.Path(file_okay=False, path_type=Path)
)
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="Print a report per file and a summary as JSON.")
def check(folder: Path | None, corpus: Path, as_json: bool) -> None:
    """Lint every file of a corpus: passages, metadata, pages, warnings.

    The folder is given as CORPUS or --corpus, like every command's. Exits with status 1 when
    any file cannot be parsed.

    Example: archive check corpus/ --json
    """
    corpus = folder or Path(corpus)
    if not corpus.is_dir():
        raise click.ClickException(f"corpus folder {corpus} does not exist")
    reports = check_corpus(corpus)
    if as_json:
        summary = corpus_summary(reports, scan_corpus(corpus))
        files = [report_record(r) for r in reports]
        click.echo(json.dumps({"files": files, "summary": summary}, ensure_ascii=False, indent=2))
        raise SystemExit(1 if summary["failed"] else 0)
    for report in reports:
        if report.skipped:
            continue  # with the files skipped unread, below
        mark = click.style("ok", fg="green") if report.ok else click.style("FAILED", fg="red", bold=True)
        click.echo(f"{mark} {report.path}")
        for line in [report.error] if report.error else report.notes:
            click.echo(f"    {line}")
    scan = scan_corpus(corpus)
    read_skipped = [(report.path, report.skipped) for report in reports if report.skipped]
    for path, reason in scan.skipped + scan.ignored + read_skipped:
        click.echo(f"skipped {path}: {reason}")
    failed = sum(not r.ok for r in reports)
    parsed = sum(r.article is not None for r in reports)
    others = f", {len(read_skipped)} not articles" if read_skipped else ""
    click.echo(f"{len(reports)} files, {parsed} parsed, {failed} failed{others}")
    if not reports:
        click.echo(f"no article files in {corpus} ({', '.join(sorted(ARTICLE_SUFFIXES))})", err=True)
    if failed:
        raise SystemExit(1)


@cli.command(name="reindex")
@corpus_option
@index_option
@click.option("--full", is_flag=True, help="Re-parse every file, not only added and changed ones.")
def reindex_command(corpus: Path, index_dir: Path, full: bool) -> None:
    """Bring the index in line with the corpus: added, changed and removed files.

    Unchanged files (by content hash) are skipped. A changed file that no longer parses keeps its
    previous passages and is reported; the exit status is then 1. Searches keep working throughout.

    Example: archive reindex --corpus corpus/ --index index/
    """
    run_reindex(corpus, index_dir, full)


def run_reindex(corpus: Path, index_dir: Path, full: bool) -> None:
    """A reindex with a progress bar on a terminal, every problem reported, exit status 1 when a
    file failed (also `flask --app archive.web reindex`)."""
    try:
        if sys.stdout.isatty():
            # Only added and changed files are reported; the bar ends at 100% when all are done.
            with click.progressbar(length=len(corpus_files(corpus)), label="Reindexing") as bar:
                report = reindex(corpus, index_dir, full=full, progress=lambda _: bar.update(1))
                bar.update(bar.length)
        else:
            report = reindex(corpus, index_dir, full=full)
    except (IndexUnavailable, ReindexBusy, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from error
    for path, reason in report.skipped:
        click.echo(f"skipped: {path}: {reason}", err=True)
    for path, warning in report.warnings:
        click.echo(f"warning: {path}: {warning}", err=True)
    for path, reason in report.failed:
        click.echo(click.style(f"failed: {path}: {reason}", fg="red"), err=True)
        click.echo("        (its previously indexed passages, if any, are kept)", err=True)
    click.echo(report.summary())
    if not report.ok:
        raise SystemExit(1)


def terminal_snippet(snippet: str) -> str:
    """<mark> as bold on a terminal; entities unescaped."""
    parts = re.split(r"<mark>(.*?)</mark>", snippet)
    return "".join(
        click.style(html.unescape(part), bold=True) if i % 2 else html.unescape(part)
        for i, part in enumerate(parts)
    )


@cli.command(name="search")
@click.argument("query")
@corpus_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (the API's shape).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results.")
@click.option("--kind", multiple=True, type=click.Choice(KINDS), help="Only passages of this kind.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
def search_command(
    query: str, corpus: Path, index_dir: Path, as_json: bool, limit: int, page: int, kind: tuple, sort: str
) -> None:
    """Search the archive and print ranked hits with highlighted snippets.

    Words are AND-ed; use "phrases", OR, NOT or -word, prefix*, and filters such as kind:chronology,
    section:"new era", author:yu, year:2019, date:2019-07 or date:[2019-07-01 to 2019-07-31].

    Example: archive search "strategic partnership" --kind paragraph
    """
    handle = open_handle(corpus, index_dir)
    request = Request(
        query=query, filters={"kind": kind} if kind else {}, sort=sort, page=page, page_size=limit
    )
    results = search(handle, request)
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    for message in results.messages:
        click.echo(message, err=True)
    if results.error:
        raise click.ClickException(results.error)
    if results.corrected:
        click.echo(f"No results for “{results.query}”; showing results for “{results.suggestion}”.")
    elif results.suggestion:
        click.echo(f"Did you mean: {results.suggestion}")
    click.echo(
        f"{results.total} results for {results.interpreted} (page {results.page} of {max(results.pages, 1)})"
    )
    for hit in results.hits:
        echo_hit(hit)
    if results.partial:
        click.echo(f"\nPassages with {results.partial.have} of your {results.partial.of} words:")
        for hit in results.partial.hits:
            echo_hit(hit)
            click.echo(f"  missing: {', '.join(hit.missing)}")


def echo_hit(hit) -> None:
    where = " · ".join(str(x) for x in (hit.article_title, hit.section, hit.place) if x)
    click.echo(f"\n{click.style(hit.id, fg='cyan')}  {where}")
    click.echo(f"  {terminal_snippet(hit.snippet)}")


@cli.command(name="cite")
@click.argument("passage_id")
@corpus_option
@index_option
@click.option(
    "--style",
    default="chicago",
    show_default=True,
    help="chicago, apa, mla, any CSL style id (see `archive styles`), or bibtex, ris, csl-json.",
)
@click.option(
    "--locator",
    "locator_kind",
    type=click.Choice(LOCATOR_KINDS),
    help="Cite by page or by ¶ number (default: the page when known).",
)
def cite_command(
    corpus: Path, index_dir: Path, passage_id: str, style: str, locator_kind: str | None
) -> None:
    """Print the citation of one passage.

    A citation style prints the note or in-text citation on the first line and the bibliography
    entry on the second; bibtex, ris and csl-json print the record.

    Example: archive cite cc-2019-09-china-russia-p14 --style harvard-cite-them-right --locator page
    """
    handle = open_handle(corpus, index_dir)
    try:
        found = handle.passage(passage_id)
    except DamagedPayload as error:
        raise click.ClickException(f"{error}; {REBUILD}") from error
    if found is None:
        raise click.ClickException(
            f"no passage {passage_id} in the index; ids look like {_example_id(handle)}"
        )
    article, passage = found
    locator = locator_of(passage, locator_kind)
    if locator_kind and locator is None:
        why = f" ({article.page_note})" if locator_kind == "page" and article.page_note else ""
        raise click.ClickException(f"{passage_id} has no {locator_kind} number{why}")
    try:
        click.echo(cited_text(article, locator, style, corpus), nl=False)
    except (StyleNotFound, CiteprocError, CiteprocMissing) as error:
        raise click.ClickException(str(error)) from error


@cli.command(name="styles")
@click.argument("query", required=False, default="")
@corpus_option
@click.option("--limit", default=50, show_default=True, help="How many styles to list.")
def styles_command(query: str, corpus: Path, limit: int) -> None:
    """List citation styles whose id or title holds every word of QUERY.

    Shipped styles first, then the corpus's own (corpus/styles/*.csl), then the 2,868 official
    styles when installed (pip install 'archive[styles]').

    Example: archive styles harvard
    """
    for style in list_styles(corpus, query, limit):
        click.echo(f"{style.id:<50} {style.title}  [{style.origin}]")


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (checked before announcing the address)."""
    import socket

    try:
        with socket.create_server((host, port), reuse_port=False):
            return None
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        return f"cannot serve on {host}:{port}: {reason} (choose another with --port)"


def _example_id(handle: IndexHandle) -> str:
    articles = handle.article_list()
    return f"{articles[0]['article']}-p1" if articles else "ARTICLE-p1"


@cli.command(name="serve")
@corpus_option
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@click.option(
    "--threads",
    default=SERVER_THREADS,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker (each keeps a searcher).",
)
@click.option(
    "--base-url",
    default=lambda: setting("ARCHIVE_BASE_URL"),
    show_default="$ARCHIVE_BASE_URL",
    help="Public URL of the archive, for permalinks and citations (e.g. https://example.org/archive).",
)
def serve_command(
    corpus: Path, index_dir: Path, host: str, port: int, workers: int | None, threads: int, base_url: str
) -> None:
    """Serve the archive with the production WSGI server (gunicorn), building the index if missing.

    For development with reloading, use: flask --app archive.web run --debug

    Example: archive serve --port 8000
    """
    from .web.hosts import checked_base_url
    from .web.server import serve

    try:
        base_url = checked_base_url(base_url)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base-url") from error
    open_handle(corpus, index_dir)  # builds a missing index, with a clear error if it cannot
    if problem := port_problem(host, port):
        raise click.ClickException(problem)
    click.echo(f"Serving the archive of {corpus} at http://{host}:{port}/  (Ctrl+C to stop)")
    serve(
        {"CORPUS": str(corpus), "INDEX": str(index_dir), "BUILD_MISSING_INDEX": False, "BASE_URL": base_url},
        host,
        port,
        workers,
        threads,
    )
