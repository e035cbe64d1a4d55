"""Languages detected from an article's text, when nothing states one."""

from __future__ import annotations

import pytest

from archive.languages import detect_language
from archive.parse import parse_file
from archive.records import citation_bundle

SAMPLES = {
    "en": "The committee said that the treaty was signed in 1992 and that it would not be renewed by the government.",
    "es": "El comité dijo que el tratado fue firmado en 1992 y que no sería renovado por el gobierno, pero sus aliados lo apoyan.",
    "fr": "Le comité a dit que le traité a été signé en 1992 et qu'il ne serait pas renouvelé par le gouvernement dans les années.",
    "de": "Der Ausschuss sagte, dass der Vertrag 1992 unterzeichnet wurde und nicht von der Regierung erneuert wird, auch nicht später.",
    "pt": "O comitê disse que o tratado foi assinado em 1992 e que não seria renovado pelo governo, como os aliados esperavam.",
    "it": "Il comitato ha detto che il trattato è stato firmato nel 1992 e che non sarebbe stato rinnovato dal governo, anche se più.",
    "nl": "Het comité zei dat het verdrag in 1992 werd ondertekend en dat het niet door de regering zou worden verlengd, ook niet later.",
    "zh": "委员会表示，该条约于1992年签署，政府不会续签。这是一个很长的句子，用于测试语言检测功能是否正常工作。",
    "ja": "委員会は、条約が1992年に署名され、政府によって更新されないと述べました。これは言語検出のテストです。",
    "ko": "위원회는 조약이 1992년에 서명되었으며 정부에 의해 갱신되지 않을 것이라고 말했습니다. 이것은 언어 감지 테스트입니다.",
    "ru": "Комитет заявил, что договор был подписан в 1992 году и не будет продлен правительством. Это проверка определения языка.",
    "uk": "Комітет заявив, що договір було підписано в 1992 році і його не буде продовжено урядом. Це перевірка визначення мови.",
    "ar": "قالت اللجنة إن المعاهدة وقعت في عام 1992 وإنها لن تجدد من قبل الحكومة. هذا اختبار للكشف عن اللغة في النص.",
    "id": "Komite mengatakan bahwa perjanjian itu ditandatangani pada tahun 1992 dan tidak akan diperbarui oleh pemerintah yang baru.",
    "tr": "Komite, antlaşmanın 1992 yılında imzalandığını ve hükümet tarafından yenilenmeyeceğini söyledi, ama bu çok daha sonra oldu.",
}  # fmt: skip


@pytest.mark.parametrize(("language", "text"), SAMPLES.items())
def test_the_language_of_a_paragraph(language, text):
    assert detect_language(text) == language


def test_chinese_among_english_words_and_japanese_among_formulas():
    """A character is weighed like a word's letters, and one-letter words (a, e, o: variables)
    vote for no language."""
    notes = (
        "MMNote 开发笔记：使用 React Native 和 TypeScript 编写，数据保存在 SQLite 中，同步用 WebDAV 协议。"
    )
    assert detect_language(notes) == "zh"
    formulas = "誤差伝播の式は a = b + e であり、o と e の積を考える。ここで a と o は定数である。"
    assert detect_language(formulas) == "ja"


def test_chinese_with_english_names_in_it_is_chinese():
    text = "VS Code 1.112：.NET 开发者真正应该关注的内容。这个版本的大主题是代理自主性 — 给 Copilot 更多空间做它的事。"
    assert detect_language(text) == "zh"


@pytest.mark.parametrize("text", ["", "1992 2001 …", "def f(x): return x + 1", "OK", "Ok no la de"])
def test_too_little_or_unclear_text_says_nothing(text):
    assert detect_language(text) is None


def test_an_article_stating_no_language_is_cited_in_its_own(tmp_path):
    """A Spanish post without a lang key: Spanish, so no style title-cases its title."""
    path = tmp_path / "administracion-de-datos.md"
    path.write_text(
        "---\ntitle: Administración de datos en R\nauthor: Ana García\ndate: 2020-05-01\n---\n\n"
        f"{SAMPLES['es']}\n\n{SAMPLES['es']}\n",
        encoding="utf-8",
    )
    article = parse_file(path)
    assert (article.language, article.metadata_sources["language"]) == ("es", "the text")
    chicago = citation_bundle(article, article.passages[0])["locators"][0]["styles"]["chicago"]
    assert "Administración de datos en R" in chicago["citation_text"]
