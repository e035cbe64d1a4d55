"""The one analyzer: Snowball stemming in English and Russian, CJK bigrams, folding."""

from archive.analysis import analyze, stemming_analyzer


def test_english_is_stemmed_with_snowball():
    assert analyze("running sanctions sanctioned") == ["run", "sanction", "sanction"]


def test_russian_inflections_share_a_stem():
    assert analyze("Оренбурге") == analyze("Оренбург") == ["оренбург"]


def test_cjk_runs_become_overlapping_bigrams():
    assert analyze("战略互信") == ["战略", "略互", "互信"]
    assert analyze("战") == ["战"]


def test_accents_fold_and_apostrophes_straighten():
    assert analyze("Café China’s", stemmed=False) == ["cafe", "china's"]
    assert analyze("China’s") == ["china"]


def test_unstemmed_analysis_keeps_the_word():
    assert analyze("Running Оренбурге", stemmed=False) == ["running", "оренбурге"]


def test_positions_and_offsets_follow_the_text():
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in stemming_analyzer()("X 战略互信 y", positions=True, chars=True)
    ]
    assert tokens == [("x", 0, 0, 1), ("战略", 1, 2, 4), ("略互", 2, 3, 5), ("互信", 3, 4, 6), ("y", 4, 7, 8)]


def test_highlighting_offsets_agree_with_the_analyzers(seed):
    from archive.analysis import spans

    for passage in seed.passages:
        found = spans(passage.text)
        assert [s[1] for s in found] == analyze(passage.text)
        assert [s[0] for s in found] == analyze(passage.text, stemmed=False)
        assert all(passage.text[a:b].lower().replace("’", "'") for _, _, a, b in found)
