"""Listing a corpus folder: which files are articles, and what is passed over, with why."""

from __future__ import annotations

import os
from pathlib import Path

from archive.check import scan_corpus


def test_a_corpus_is_listed_in_order_with_every_skipped_file_named(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("secret", encoding="utf-8")
    corpus = tmp_path / "corpus"
    for folder in ("b/deep/er", "a", ".hidden", "c"):
        (corpus / folder).mkdir(parents=True)
    for name in (
        "z.md",
        "a.html",
        "b/deep/er/x.md",
        "b/y.xml",
        "a/k.md",
        ".hidden/h.md",
        ".dot.md",
        "notes.txt",
        "figure.png",
    ):
        (corpus / name).write_text("text", encoding="utf-8")
    (corpus / "a/k.md.meta.toml").write_text("", encoding="utf-8")  # a sidecar, not an article
    (corpus / "inside.md").symlink_to(corpus / "z.md")
    (corpus / "out.md").symlink_to(outside / "secret.md")
    (corpus / "broken.md").symlink_to(corpus / "nowhere.md")
    (corpus / "folder-link").symlink_to(outside, target_is_directory=True)
    os.mkfifo(corpus / "c" / "pipe.md")

    scan = scan_corpus(tmp_path / "corpus" / ".." / "corpus")  # any spelling: paths in the resolved folder

    root = corpus.resolve()
    assert scan.files == [
        root / n for n in ("a/k.md", "a.html", "b/deep/er/x.md", "b/y.xml", "inside.md", "notes.txt", "z.md")
    ]
    assert sorted((path.relative_to(root).as_posix(), why) for path, why in scan.skipped) == [
        ("broken.md", "a broken or looping link"),
        ("c/pipe.md", "not a regular file (a FIFO, device or socket); not read"),
        ("folder-link", "a link to a folder; links to folders are not followed"),
        ("out.md", f"a link to {outside.resolve() / 'secret.md'}, outside the corpus; not read"),
    ]
    assert [path.name for path, _ in scan.ignored] == ["figure.png"]
    assert all(isinstance(path, Path) for path, _ in scan.skipped)
