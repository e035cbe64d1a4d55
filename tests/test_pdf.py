"""PDF articles (formats/pdf.py): test PDFs typeset by the suite itself (tests/pdfs.py), so that
the text of every passage and the printed pages it stands on are known exactly."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pdfs import caption, heading, page_break, paragraph, two_columns, typeset

from archive.models import ParseError
from archive.parse import parse_file

WORDS = (
    "harbour ministry treaty summit pipeline tariff frontier convoy delegation reactor satellite "
    "corridor embassy garrison ferry glacier lattice ledger meadow orchard quarry rivet saddle "
    "thimble umpire vintage walnut yeoman zephyr anchor beacon cobalt dynamo ember falcon granite "
    "hollow iris jasmine kettle lantern marble nectar oyster pepper quartz raven sable timber "
    "velvet willow amber bramble cedar dune estuary fjord grove heath inlet juniper knoll "
    "lagoon moor nettle oasis prairie reef spruce tundra upland valley wetland"
).split()
VERBS = "signed weighed drafted crossed rebuilt charted funded delayed revised inspected".split()


def prose(seed: int, sentences: int) -> str:
    """Sentences no other paragraph repeats (repeats are dropped as pull quotes)."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        words.insert(2, rng.choice(VERBS))
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def article_items() -> list:
    return [
        heading("Harbours and Treaties on the Northern Route", 18),
        paragraph(
            "An opening paragraph on the informa|tion gathered about China-Russia convoys. " + prose(1, 4)
        ),
        heading("Convoys and corridors"),
        paragraph(
            prose(2, 14) + " The ministry said so^1 in public.", n1="Statement of the ministry, 12 May."
        ),
        caption("Figure 1. A convoy crossing the estuary at dawn."),
        paragraph(prose(3, 40)),
        heading("Treaties"),
        paragraph(prose(4, 9) + " Delegates disagreed^2 twice.", n2="Minutes of the second session."),
        paragraph(prose(5, 40)),
        heading("References"),
        paragraph("Falcon, A. (2019). Harbours of the north. Journal of Routes, 3(2), 1–10."),
        paragraph("Granite, B. and Iris, C. (2020). Treaties and convoys. Maritime Review, 5, 20–30."),
    ]


def expected_passages(placed) -> list[tuple[str, str, int, int]]:
    """(kind, text, first page, last page) as the archive should read the typeset article."""
    kinds = []
    section = None
    lead_done = False
    for i, block in enumerate(placed):
        if block.kind == "heading":
            section = block.text if i else None  # the first heading is the article's title
            continue
        if block.kind == "note":
            kinds.append(("note", block.text, block.first_page, block.last_page))
        elif block.kind == "caption":
            kinds.append(("figure", block.text, block.first_page, block.last_page))
        elif section == "References":
            kinds.append(("reference", block.text, block.first_page, block.last_page))
        else:
            kind = "lead" if section is None and not lead_done else "paragraph"
            lead_done = True
            kinds.append((kind, block.text, block.first_page, block.last_page))
    order = {"lead": 0, "paragraph": 0, "figure": 0, "reference": 0, "note": 1}  # notes come last
    return sorted([k for k in kinds if k[0] != "heading"], key=lambda k: order[k[0]])


def read_back(path: Path) -> list[tuple[str, str, int, int]]:
    article = parse_file(path)
    return [(p.kind, p.text, p.page_start, p.page_end) for p in article.passages]


@pytest.mark.parametrize(("columns", "gutter"), [(1, 0), (2, 24), (2, 10)])  # 10 pt: LaTeX's
def test_every_passage_and_its_printed_pages(tmp_path, columns, gutter):
    path = tmp_path / f"article-{columns}-{gutter}.pdf"
    placed = typeset(
        path,
        article_items(),
        first_page=113,
        columns=columns,
        gutter=gutter,
        running_header="Journal of Routes | Vol. 3",
    )
    assert placed[-1].last_page > 114  # the article runs over several pages
    assert any(b.first_page != b.last_page for b in placed)  # and a paragraph crosses a page break
    assert read_back(path) == expected_passages(placed)


def test_text_sized_by_its_matrix_reads_as_words_and_columns(tmp_path):
    """Distiller, Word and Elsevier's tools set every font at 1 point and scale the text matrix:
    the words, columns, headings and pages come out as with sized fonts (they came out as
    "C o n v o y s" when the size was taken from the font alone)."""
    path = tmp_path / "unit-fonts.pdf"
    placed = typeset(path, article_items(), first_page=113, columns=2, gutter=14, unit_fonts=True)
    assert read_back(path) == expected_passages(placed)
    article = parse_file(path)
    assert [s.title for s in article.sections] == ["Convoys and corridors", "Treaties", "References"]
    assert article.type == "report"  # a PDF that names no journal


def test_an_accent_set_apart_over_its_letter_is_joined_to_it(tmp_path):
    """TeX sets \\"a as "a" with a "¨" over it, which PDFium reads as two characters: the name
    reads (and is found) as Puolamäki. An accent over no letter stays as it is."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    path = tmp_path / "accents.pdf"
    page = canvas.Canvas(str(path))
    page.setFont("Helvetica", 11)
    line = "We thank Puolamaki for a ` mark."
    page.drawString(72, 700, line)
    a_at = 72 + stringWidth(line[: line.index("maki") + 1], "Helvetica", 11)  # the "a" of "maki"
    middle = (stringWidth("a", "Helvetica", 11) - stringWidth("¨", "Helvetica", 11)) / 2
    page.drawString(a_at + middle, 700, "¨")
    page.save()
    assert [p.text for p in parse_file(path).passages] == ["We thank Puolamäki for a ` mark."]


def test_a_dotless_i_under_an_accent_is_an_i_and_a_cedilla_goes_under():
    from archive.formats.pdf.lines import Char, with_accents

    def char(text: str, x0: float, x1: float) -> Char:
        return Char(text, x0, x1, 700.0, 708.0, 10.0, False, False)

    row = [char("n", 0, 5), char("a", 5, 10), char("ı", 10, 13), char("¨", 10.2, 13.2), char("v", 13, 18)]
    assert "".join(c.text for c in with_accents(row)) == "naïv"
    row = [char("c", 0, 5), char("¸", 1, 4), char("a", 5, 10)]
    assert "".join(c.text for c in with_accents(row)) == "ça"
    row = [char("a", 0, 5), char("`", 7, 9), char("b", 11, 16)]  # over no letter: a backtick
    assert "".join(c.text for c in with_accents(row)) == "a`b"
    row = [char("/", 0, 3), char("˜", 3, 6), char("b", 6, 11)]  # TeX's ~ in an address
    assert "".join(c.text for c in with_accents(row)) == "/~b"


def test_a_paper_that_numbers_its_sections_takes_no_figure_label_for_a_heading(tmp_path):
    """Bold or capital words in a figure ("BCI", a plot's legend) between numbered sections head
    no section, and "6 Experiments" is never nested under them; "REFERENCES" and "4.1 …" in
    capitals are headings still."""
    path = tmp_path / "paper.pdf"
    typeset(
        path,
        [
            heading("Semi-Supervised Mean Fields", 18),
            heading("1 Introduction"),
            paragraph(prose(1, 3)),
            heading("2 Models"),
            paragraph(prose(2, 3)),
            heading("BCI"),  # set as large and bold as a heading, inside a figure
            paragraph("ACCURACY"),
            heading("2.1 Fields"),
            paragraph(prose(3, 3)),
            heading("3 Experiments"),
            paragraph(prose(4, 3)),
            paragraph("3.89 SVM [21]"),  # a table's row, in capitals and numbered
            paragraph("A NOTE ON THE LICENCE OF THIS WORK: THE TEXT MAY BE COPIED AND SHARED FREELY."),
            heading("Discussion"),
            paragraph(prose(5, 3)),
            heading("Data Availability"),
            paragraph(prose(6, 2)),
            heading("REFERENCES"),
            paragraph("Doe, J. (2001). A paper on fields. Journal of Fields, 3, 1-10."),
        ],
    )
    article = parse_file(path)
    assert [s.title for s in article.sections] == [
        "1 Introduction",
        "2 Models",
        "2 Models › 2.1 Fields",
        "3 Experiments",
        "Discussion",
        "Data Availability",
        "REFERENCES",
    ]
    texts = [p.text for p in article.passages]
    assert "3.89 SVM [21]" in texts and any(t.startswith("A NOTE ON THE LICENCE") for t in texts)


def test_a_full_width_top_over_two_columns_is_read_top_first_then_each_column(tmp_path):
    """A journal's first page: title and a long abstract across the page, then two columns."""
    abstract = paragraph("Abstract. " + prose(9, 12))
    # Without notes: this typesetter sets a note under the column that calls it, over the other's
    title, *body = [replace(item, text=re.sub(r"\^\d+", "", item.text), notes={}) for item in article_items()]
    path = tmp_path / "first-page.pdf"
    placed = typeset(path, [title, abstract, two_columns(), *body], gutter=14, unit_fonts=True)
    assert placed[-1].last_page == 3 and placed[-2].last_page == 3  # a short last page
    assert read_back(path) == expected_passages(placed)


def test_headings_become_section_paths_and_the_title(tmp_path):
    path = tmp_path / "article.pdf"
    typeset(path, article_items(), first_page=113, running_header="Journal of Routes | Vol. 3")
    article = parse_file(path)
    assert article.title == "Harbours and Treaties on the Northern Route"
    assert [s.title for s in article.sections] == ["Convoys and corridors", "Treaties", "References"]
    assert (article.first_page, article.last_page) == (
        113,
        113 + len({p.page_start for p in article.passages}) - 1,
    )
    assert article.page_source == "the page numbers printed on its pages"


def test_words_hyphenated_at_line_ends_are_joined_but_compounds_keep_their_hyphen(tmp_path):
    path = tmp_path / "narrow.pdf"
    items = [
        paragraph(
            "Long-standing and well-known quarrels aside, dele|gations from both sides met in the "
            "harbour to discuss informa|tion sharing about convoys and "
            "China-Russia convoys, long-standing disputes and the well-known corridor near the "
            "frontier, where con|voys cross the estuary every spring."
        )
    ]
    placed = typeset(path, items, page_size=(260, 400))  # narrow: many line ends
    text = parse_file(path).passages[0].text
    assert text == placed[0].text
    assert "information" in text and "China-Russia" in text and "well-known" in text and "convoys" in text


def test_a_word_broken_where_its_rest_would_have_fitted_goes_on_the_paragraph():
    """A line broken inside a word ('char-') that ends well before the column's right edge, its
    rest ('acter') short enough to have fitted after it: not a paragraph's end (a real paper's
    paragraphs were cut there, and kept 'char-acter')."""
    from collections import Counter

    from archive.formats.pdf.blocks import Assembler, Paragraph
    from archive.formats.pdf.lines import Line

    def line(x1: float, baseline: float, text: str, hyphen: bool = False) -> Line:
        return Line(0, 72.0, x1, baseline, baseline + 10, 10.0, False, False, text, text, (), hyphen, 20.0)

    broken = line(300.0, 700.0, "in this kind of argument if the char-", hyphen=True)
    rest = line(520.0, 688.0, "acter has firm beliefs about what they will do")
    assembler = Assembler(10.0, (Counter(), set()))
    assembler.open = Paragraph([broken], broken.text, broken.html, [], 1, 1)
    assert not assembler.starts_block(rest, broken, left=72.0, right=540.0, spacing=12.0)
    ended = line(300.0, 700.0, "in this kind of argument, the end.")
    assembler.open = Paragraph([ended], ended.text, ended.html, [], 1, 1)
    assert assembler.starts_block(rest, ended, left=72.0, right=540.0, spacing=12.0)  # stopped short


def test_page_numbers_from_page_labels_or_page_order(tmp_path):
    labelled = tmp_path / "labelled.pdf"
    placed = typeset(labelled, article_items(), first_page=45, page_numbers=None, page_labels=True)
    article = parse_file(labelled)
    assert article.page_source == "the PDF's page labels"
    assert article.passages[0].page_start == 45 and article.last_page == placed[-1].last_page
    bare = tmp_path / "bare.pdf"
    typeset(bare, article_items(), first_page=45, page_numbers=None)
    article = parse_file(bare)
    assert article.page_source == "the order of its pages (no printed numbers found)"
    assert article.passages[0].page_start == 1


def test_notes_are_linked_to_their_calls(tmp_path):
    path = tmp_path / "notes.pdf"
    typeset(path, article_items(), first_page=113)
    article = parse_file(path)
    notes = [p for p in article.passages if p.kind == "note"]
    assert [(n.ordinal, n.text) for n in notes] == [
        (1, "Statement of the ministry, 12 May."),
        (2, "Minutes of the second session."),
    ]
    calling = article.passage(notes[0].called_from)
    assert (
        "The ministry said so in public." in calling.text and '<sup class="note-call">1</sup>' in calling.html
    )


def test_metadata_from_the_info_dictionary_and_the_first_page(tmp_path):
    path = tmp_path / "meta.pdf"
    items = [
        paragraph("Journal of Routes, Vol. 3, No. 2. https://doi.org/10.1234/routes.2019.7"),
        *article_items(),
    ]
    typeset(path, items, title="Harbours and Treaties", author="Anna Falcon; Bo Granite", first_page=7)
    article = parse_file(path)
    assert article.title == "Harbours and Treaties"
    assert [a.name for a in article.authors] == ["Anna Falcon", "Bo Granite"]
    assert (article.doi, article.volume, article.issue) == ("10.1234/routes.2019.7", "3", "2")
    assert article.journal == "Journal of Routes"
    assert article.metadata_sources["title"] == "PDF properties"
    assert article.metadata_sources["journal"] == "PDF first page"


XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/" prism:volume="12" prism:number="4">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Convoys of the North: A Survey</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>Anna Falcon</rdf:li><rdf:li>Granite, Bo</rdf:li></rdf:Seq></dc:creator>
<prism:publicationName>Journal of Routes</prism:publicationName>
<prism:doi>10.5555/routes.12.4.7</prism:doi><prism:coverDate>2021-06-15</prism:coverDate>
<prism:startingPage>201</prism:startingPage><prism:endingPage>230</prism:endingPage>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def test_the_xmp_packet_wins_over_the_info_dictionary(tmp_path):
    from archive.formats.pdf.xmp import xmp_metadata

    path = tmp_path / "xmp.pdf"
    typeset(path, article_items(), title="Draft title", author="Someone Else")
    # A metadata stream is stored uncompressed; the reader finds the packet in the file's bytes.
    path.write_bytes(path.read_bytes() + XMP.encode("utf-8"))
    article = parse_file(path)
    assert article.title == "Convoys of the North: A Survey"
    assert [a.name for a in article.authors] == ["Anna Falcon", "Bo Granite"]
    assert (article.journal, article.volume, article.issue, article.doi) == (
        "Journal of Routes", "12", "4", "10.5555/routes.12.4.7"
    )  # fmt: skip
    assert article.date == "2021-06-15" and article.metadata_sources["doi"] == "XMP"
    # The pages the PDF prints (1, 2, …) stay: XMP's 201–230 are another version's.
    assert (article.first_page, article.passages[0].page_start) == (1, 1)
    assert xmp_metadata(b"<x:xmpmeta><unclosed") == xmp_metadata(b"no packet at all")  # nothing, no error


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("paper.dvi", True), ("Microsoft Word - 02. 206.doc", True), ("6489122611071476 1..10", True),
        ("doi:", True), ("newlogo", True), ("chrisq", True), ("Untitled-3", True), ("", True),
        ("Harbours and Treaties", False), ("MapReduce", False), ("Anna Falcon", False), ("R2-D2 Report", False),
    ],
)  # fmt: skip
def test_what_programs_write_in_a_title_or_author_field_is_not_one(value, placeholder):
    from archive.formats.pdf.xmp import is_placeholder

    assert is_placeholder(value) is placeholder


@pytest.mark.parametrize(
    ("value", "account"), [("Agus", True), ("hamilton", True), ("OECD", False), ("Anna Falcon", False)]
)
def test_a_one_word_author_field_is_the_files_account_not_its_author(value, account):
    from archive.formats.pdf.xmp import is_account_name

    assert is_account_name(value) is account


def test_a_pictures_xmp_packet_is_not_the_documents(tmp_path):
    from archive.formats.pdf.xmp import xmp_metadata

    document = XMP.replace("<rdf:Description", '<rdf:Description xmlns:pdf="http://ns.adobe.com/pdf/1.3/"', 1)
    picture = XMP.replace("Convoys of the North: A Survey", "The Press's Logo")  # no pdf: schema
    found = xmp_metadata(b"%PDF " + document.encode() + b" stream " + picture.encode())
    assert found.title == "Convoys of the North: A Survey"
    assert xmp_metadata(b"%PDF " + picture.encode()).title == "The Press's Logo"  # the only packet


def test_chinese_and_russian_text(tmp_path):
    path = tmp_path / "scripts.pdf"
    typeset(path, [paragraph("Оренбург and 战略互信 stand in one paragraph about convoys.")])
    assert parse_file(path).passages[0].text == "Оренбург and 战略互信 stand in one paragraph about convoys."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.4\n garbage that is no PDF", "cannot be read as a PDF"),
        (b"", "cannot be read as a PDF"),
        (b"\x00\x01binary", "cannot be read as a PDF"),
    ],
)
def test_a_broken_pdf_is_refused_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(ParseError, match=reason):
        parse_file(path)


def test_a_pdf_without_text_is_refused_with_a_reason(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    drawing = canvas.Canvas(str(path))
    drawing.rect(100, 100, 200, 200, fill=1)  # a picture, no text
    drawing.showPage()
    drawing.save()
    with pytest.raises(ParseError, match="no text layer"):
        parse_file(path)


def test_an_encrypted_pdf_is_refused_with_a_reason(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    drawing = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    drawing.drawString(100, 700, "Locked text.")
    drawing.showPage()
    drawing.save()
    with pytest.raises(ParseError, match="password"):
        parse_file(path)


def test_a_long_pdf_keeps_every_paragraph(tmp_path):
    """Forty sections over dozens of pages (its speed is measured by bench/pdf.py)."""
    path = tmp_path / "long.pdf"
    items = []
    for n in range(40):
        items += [heading(f"Part {n + 1}"), paragraph(prose(100 + n, 30))]
    placed = typeset(path, items)
    article = parse_file(path)
    assert len(article.passages) == len([b for b in placed if b.kind == "paragraph"])
    assert placed[-1].last_page >= 20


def seed_items(seed, seed_path) -> tuple[list, list[int]]:
    """The seed's blocks as the printed journal had them: each on its page, and each paragraph
    the printer split across pages split at the same words (the Markdown seed keeps the halves as
    two blocks). Returns the items and the page each one starts on."""
    from bs4 import BeautifulSoup

    from archive.parse import html_from_markdown
    from archive.walk import walk_document

    html = html_from_markdown(seed_path.read_text(encoding="utf-8"))
    blocks = [b.text for b in walk_document(BeautifulSoup(html, "html.parser")).blocks]
    starts = {p.text: p.page_start for p in seed.passages}
    split = {p.text: p for p in seed.passages if p.page_end != p.page_start}
    items, pages, page, i = [], [], seed.first_page, 0
    while i < len(blocks):
        text = blocks[i]
        joined = f"{text}{'' if text.endswith('-') else ' '}{blocks[i + 1]}" if i + 1 < len(blocks) else None
        if joined in split:  # the two halves of a paragraph split by a page break
            passage = split[joined]
            page = passage.page_start
            items.append(paragraph(f"{text}\f{blocks[i + 1]}"))
            pages.append(page)
            page = passage.page_end
            i += 2
            continue
        page = starts.get(text, page)
        items.append(paragraph(text))
        pages.append(page)
        i += 1
    with_breaks = []
    for n, item in enumerate(items):
        if n and pages[n] > pages[n - 1] and "\f" not in items[n - 1].text:
            with_breaks.append(page_break())
        with_breaks.append(item)
    return with_breaks, pages


def test_the_seed_as_a_pdf_gives_the_same_passages_and_pages(seed, seed_path, tmp_path):
    items, _ = seed_items(seed, seed_path)
    path = tmp_path / f"{seed.id}.pdf"
    placed = typeset(
        path,
        items,
        first_page=seed.first_page,
        page_size=(612, 1300),
        running_header="Comparative Connections | September 2019",
    )
    assert placed[-1].last_page == seed.last_page  # every printed page fitted on one PDF page
    article = parse_file(path)
    assert article.page_source == "the page numbers printed on its pages"
    assert len(article.passages) == len(seed.passages) == 76
    for ours, theirs in zip(article.passages, seed.passages, strict=True):
        assert (ours.id, ours.kind, ours.text, ours.page_start, ours.page_end) == (
            theirs.id, theirs.kind, theirs.text, theirs.page_start, theirs.page_end
        )  # fmt: skip
    assert (article.title, article.volume, article.issue) == (seed.title, seed.volume, seed.issue)


def test_a_sidecar_corrects_the_pdf_and_citations_use_the_printed_pages(tmp_path):
    from archive.cite import citations, locator_of

    path = tmp_path / "routes.pdf"
    typeset(path, article_items(), first_page=113, title="A Wrong Title", running_header="Journal of Routes")
    article = parse_file(path)
    paragraph_on_114 = next(p for p in article.passages if p.page_start == p.page_end == 114)
    locator = locator_of(paragraph_on_114, "page")
    assert (locator.label, locator.value) == ("page", "114")
    assert ", 114." in citations(article, locator, ("chicago",))["chicago"].citation_text
    (tmp_path / "routes.meta.toml").write_text(
        'title = "Harbours and Treaties"\njournal = "Journal of Routes"\npages = "13-15"\n', encoding="utf-8"
    )
    corrected = parse_file(path)
    assert (corrected.title, corrected.journal) == ("Harbours and Treaties", "Journal of Routes")
    assert corrected.metadata_sources["title"] == "routes.meta.toml"
    moved = corrected.passage(paragraph_on_114.id)
    assert (moved.page_start, corrected.first_page) == (14, 13)
    assert corrected.page_source == (
        "the page range stated by routes.meta.toml (instead of the page numbers printed on its pages)"
    )


def test_xmp_pages_number_a_pdf_that_prints_none(tmp_path):
    path = tmp_path / "unnumbered.pdf"
    typeset(path, article_items(), page_numbers=None)
    path.write_bytes(path.read_bytes() + XMP.encode("utf-8"))
    article = parse_file(path)
    assert (article.first_page, article.passages[0].page_start) == (201, 201)
    assert article.page_source == (
        "the page range stated by XMP (instead of the order of its pages (no printed numbers found))"
    )


def test_a_pdf_in_the_corpus_is_searched_read_and_cited_by_its_printed_pages(tmp_path):
    from archive.reindex import reindex
    from archive.web import create_app, store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    placed = typeset(
        corpus / "routes.pdf", article_items(), first_page=113, running_header="Journal of Routes"
    )
    report = reindex(corpus, tmp_path / "index")
    assert report.ok and report.added == [str(corpus / "routes.pdf")]
    app = create_app({"CORPUS": str(corpus), "INDEX": str(tmp_path / "index"), "TESTING": True})
    client = app.test_client()
    found = client.get("/api/search", query_string={"q": "ministry said so"}).get_json()
    hit = found["hits"][0]
    crossing = next(b for b in placed if b.kind == "paragraph" and b.first_page != b.last_page)
    assert hit["article"] == "routes" and hit["page_start"] >= 113
    page = client.get(f"/a/routes/p/{hit['number']}")
    assert page.status_code == 200 and f"p. {hit['page_start']}" in page.get_data(as_text=True)
    api = client.get(f"/api/passages/{hit['id']}").get_json()
    by_page = api["citations"]["locators"][0]
    assert (by_page["label"], by_page["value"]) == ("page", str(hit["page_start"]))
    assert f", {hit['page_start']}." in by_page["styles"]["chicago"]["citation_text"]
    spanning = client.get("/api/search", query_string={"q": " ".join(crossing.text.split()[-4:])}).get_json()
    top = spanning["hits"][0]
    assert (top["page_start"], top["page_end"]) == (crossing.first_page, crossing.last_page)
    store.close(app)


def odd_pdf(path: Path, draw) -> Path:
    """A one-page PDF of ordinary text, plus whatever `draw(canvas)` adds."""
    from reportlab.pdfgen import canvas

    drawing = canvas.Canvas(str(path))
    drawing.setFont("Helvetica", 10)
    for i, line in enumerate(
        ["The convoy paragraph is ordinary text of a real page,", "set in ten points over two lines."]
    ):
        drawing.drawString(72, 700 - 13 * i, line)
    draw(drawing)
    drawing.showPage()
    drawing.save()
    return path


def test_hidden_tiny_text_and_sideways_text_do_not_break_a_page(tmp_path):
    def tiny_and_sideways(drawing):
        drawing.setFont("Helvetica", 0.01)
        drawing.drawString(72, 600, "hidden")
        drawing.saveState()
        drawing.setFont("Helvetica", 9)
        drawing.translate(30, 300)
        drawing.rotate(90)
        drawing.drawString(0, 0, "arXiv:2101.00001v1 [cs.CL] 1 Jan 2021")
        drawing.restoreState()

    article = parse_file(odd_pdf(tmp_path / "odd.pdf", tiny_and_sideways))
    texts = [p.text for p in article.passages]
    assert (
        texts[0] == "The convoy paragraph is ordinary text of a real page, set in ten points over two lines."
    )
    assert not any(len(text) <= 2 for text in texts)  # no letter-by-letter paragraphs of the stamp


def test_a_page_of_small_print_is_text_not_footnotes(tmp_path):
    """Pages of text in ten points, then a reference list set in eight: the list is text."""
    from reportlab.pdfgen import canvas

    from archive.formats.pdf import read_pdf

    path = tmp_path / "small-print.pdf"
    drawing = canvas.Canvas(str(path))
    for _ in range(2):
        drawing.setFont("Helvetica", 10)
        for i in range(50):
            drawing.drawString(
                72, 760 - 13 * i, f"Line {i} of ordinary text about harbours and their convoys."
            )
        drawing.showPage()
    drawing.setFont("Helvetica", 8)
    for i in range(30):
        drawing.drawString(72, 650 - 11 * i, f"{i + 1}. Falcon, A. (20{i:02}). Harbours, volume {i}.")
    drawing.showPage()
    drawing.save()
    blocks = read_pdf(path.read_bytes()).blocks
    assert not [b for b in blocks if b.tag == "note"]
    assert any(b.text.startswith("1. Falcon, A.") for b in blocks)


def test_an_italic_word_hyphenated_at_a_line_end_keeps_its_markup(tmp_path):
    from archive.formats.pdf.blocks import TRAILING_HYPHEN

    assert TRAILING_HYPHEN.sub(r"\1", "an <em>exam-</em>") == "an <em>exam</em>"
    assert TRAILING_HYPHEN.sub(r"\1", "plain exam-") == "plain exam"


def test_a_numbered_heading_may_follow_a_hidden_one_but_no_other_sections_number():
    from archive.formats.pdf.blocks import follows

    assert follows("7 ", 6) and follows("6.2 ", 6) and follows("1 ", 0)
    assert follows("4 ", 2)  # "3" was set so that it was not read as a heading: 4 goes on
    assert not follows("3.89 ", 6) and not follows("1 ", 2) and not follows("9 ", 5)


def test_a_first_pages_sidebar_of_facts_is_not_read_into_its_text(tmp_path):
    """JOSS sets the article's facts in a narrow column left of the first page's text (DOI,
    Submitted, Published, License): read row by row, each of its lines ran into a line of the
    text. The column is set apart, its publication date taken, and the paragraph is whole."""
    from reportlab.pdfgen import canvas as pdf_canvas

    path = tmp_path / "joss.pdf"
    page = pdf_canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Helvetica-Bold", 17)
    page.drawString(167, 760, "pylj: A teaching tool")
    page.setFont("Helvetica-Bold", 14)
    page.drawString(167, 700, "Summary")
    sidebar = ["DOI: 10.21105/jose.00019", "Software", "Submitted: 24 June 2018", "Published: 16 July 2018",
               "License", "Authors of papers retain copy-", "right and release the work", "under CC-BY."]  # fmt: skip
    body = [
        "pylj is an educational software to introduce students to classical atomistic",
        "simulation using a Lennard-Jones potential model. It is written in Python and",
        "uses Jupyter notebooks and Matplotlib for its pictures. It can be deployed in",
        "a computer laboratory, and students interact with it without needing to use",
        "the command line, as would be the case for other molecular dynamics packages",
        "like Gromacs, LAMMPS or DLPOLY. We provide example notebooks in the repository,",
        "showing how to simulate a gas with molecular dynamics or Monte-Carlo methods, and",
        "a variety of other applications are possible, in teaching and in research too.",
    ]
    for row, line in enumerate(body):
        page.setFont("Helvetica", 10)
        page.drawString(167, 680 - 12 * row, line)
        page.setFont("Helvetica", 9)
        page.drawString(30, 680 - 12 * row, sidebar[row])
    page.save()
    article = parse_file(path)
    assert [(p.kind, p.text) for p in article.passages] == [
        ("paragraph", " ".join(body)),
        ("note", " ".join(sidebar)),  # kept, searchable, outside the text's ¶ numbers
    ]
    assert article.date == "2018-07-16" and article.doi == "10.21105/jose.00019"


def test_labels_in_the_texts_own_size_left_of_it_are_the_text(tmp_path):
    """A glossary's terms (or a transcript's speakers) in a column of their own: not a sidebar."""
    from reportlab.pdfgen import canvas as pdf_canvas

    path = tmp_path / "glossary.pdf"
    page = pdf_canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("Helvetica", 10)
    terms = [("DNA", "deoxyribonucleic acid"), ("RNA", "ribonucleic acid"), ("ATP", "adenosine triphosphate"),
             ("PCR", "polymerase chain reaction"), ("GFP", "green fluorescent protein"), ("MRI", "magnetic resonance imaging"),
             ("CRISPR", "clustered regularly interspaced repeats"), ("SNP", "single-nucleotide polymorphism")]  # fmt: skip
    for row, (term, meaning) in enumerate(terms):
        page.drawString(60, 700 - 24 * row, term)
        page.drawString(170, 700 - 24 * row, f"{meaning}, as the report's second chapter sets it out")
    page.save()
    from archive.formats.pdf import load_pages

    first = load_pages(path.read_bytes())[0][0]
    assert first.side is None and not first.sidebar
    assert {term for term, _ in terms} <= {line.text for line in first.lines}


def test_a_jats_article_behind_a_long_prolog_is_read(tmp_path):
    entities = "".join(f'<!ENTITY e{n} "entity number {n}">' for n in range(200))
    path = tmp_path / "long.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE article [{entities}]><!-- {"licence " * 700} -->'
        "<article><front><article-meta><title-group><article-title>Behind a prolog</article-title>"
        "</title-group></article-meta></front><body><p>The text.</p></body></article>",
        encoding="utf-8",
    )
    assert parse_file(path).title == "Behind a prolog"
