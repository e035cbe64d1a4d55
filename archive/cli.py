"""The `archive` command: a thin shell over the library."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .check import check_corpus, ignored_files
from .models import ParseError
from .parse import parse_file


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
    try:
        article = parse_file(path)
    except ParseError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
        return
    from .check import article_notes

    click.echo(f"{article.id}: {article.title}")
    for note in article_notes(article):
        click.echo(f"  {note}")
    for passage in article.passages:
        where = f"§{passage.section_number}" if passage.section_number else "  "
        click.echo(f"  {passage.id:<40} {passage.kind:<10} {where:<4} {passage.text[:60]}")


@cli.command()
@click.argument(
    "corpus",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ARCHIVE_CORPUS",
    default="corpus",
)
def check(corpus: Path) -> None:
    """Lint every file of a corpus: passages, metadata, pages, warnings.

    Exits with status 1 when any file cannot be parsed.

    Example: archive check corpus/
    """
    if not corpus.is_dir():
        raise click.ClickException(f"corpus folder {corpus} does not exist")
    reports = check_corpus(corpus)
    for report in reports:
        mark = click.style("ok", fg="green") if report.ok else click.style("FAILED", fg="red", bold=True)
        click.echo(f"{mark} {report.path}")
        for line in [report.error] if report.error else report.notes:
            click.echo(f"    {line}")
    for path in ignored_files(corpus):
        click.echo(f"skipped {path}: not an article type (.md, .markdown, .txt, .html, .htm)")
    failed = sum(not r.ok for r in reports)
    click.echo(f"{len(reports)} files, {len(reports) - failed} parsed, {failed} failed")
    if failed or not reports:
        if not reports:
            click.echo(f"no article files in {corpus}", err=True)
        raise SystemExit(1)
