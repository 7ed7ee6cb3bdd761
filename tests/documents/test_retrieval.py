"""Retrieval over FTS5: the right page for a phrase, German ligatures, Chinese, any user text."""

from __future__ import annotations

import sqlite3

import pytest

from desktop_chat.config import data_dir
from desktop_chat.documents import DocumentIndex, Source, extract, extract_bytes, format_sources
from desktop_chat.documents._text import index_text, question_query
from desktop_chat.store import search_text
from tests.documents import make_pdf, numbered_pages, sample


@pytest.fixture(scope="module")
def geotopo():
    return extract(sample("GeoTopo-komprimiert.pdf"))


@pytest.fixture
def index():
    with DocumentIndex.in_data_dir(data_dir()) as idx:
        yield idx


def test_a_distinctive_phrase_is_found_on_its_page(index, geotopo):
    assert index.add(geotopo) > 20
    sources = index.search([geotopo.sha256], "Was besagt der Jordansche Kurvensatz?", k=3)
    top = sources[0]
    assert isinstance(top, Source)
    assert (top.file_name, top.doc_hash, top.page) == ("GeoTopo-komprimiert.pdf", geotopo.sha256, 23)
    assert top.first_page <= 23 <= top.last_page
    assert "Jordanscher Kurvensatz" in top.text and "Kurvensatz" in top.excerpt
    assert top.score > 0 and [s.score for s in sources] == sorted((s.score for s in sources), reverse=True)
    assert len(top.excerpt) < 400 and "\u200b" not in top.excerpt


@pytest.mark.parametrize("question", ["Würfeloberfläche", "Würfeloberﬂäche", "WÜRFELOBERFLÄCHE?"])
def test_ligatures_and_case_do_not_matter(index, geotopo, question):
    # The PDF writes "Würfeloberﬂäche" with the ﬂ ligature (page 2); typed with "fl", with the
    # ligature, or in capitals, the question finds it.
    index.add(geotopo)
    assert index.search([geotopo.sha256], question, k=1)[0].page == 2


def test_ligatures_in_indexed_text_are_normalised(index, tmp_path):
    # A text file keeps its ligatures (no MuPDF in between): NFKC on both sides makes them meet.
    path = tmp_path / "notes.txt"
    path.write_text("Die Oberﬂäche der Kugel.\n\nGanz anderer Absatz über Zahlen.", encoding="utf-8")
    doc = extract(path)
    index.add(doc)
    [hit] = index.search([doc.sha256], "Oberfläche", k=1)
    assert "Oberﬂäche" in hit.text  # the passage is the original text, ligature and all


def test_a_chinese_phrase_is_found_on_its_page(index):
    sentences = [
        "机器学习是人工智能的一个分支，它研究计算机怎样模拟或实现人类的学习行为。",
        "数据库系统用于存储和管理大量结构化的数据，并支持高效的查询与更新操作。",
        "操作系统负责管理计算机的硬件资源，并为应用程序提供统一的运行环境。",
        "编译器把高级语言编写的源程序翻译成机器能够直接执行的目标代码。",
    ]
    pages = [(sentences[n % 4] + "\n\n") * 12 for n in range(30)]
    pages[16] = pages[16] + "量子纠缠是一种奇特的物理现象，爱因斯坦称之为鬼魅般的超距作用。"
    doc = extract_bytes(make_pdf(pages, fontname="china-s", fontsize=9), "中文.pdf")
    assert "鬼魅般的超距作用" in doc.page_text(17)
    index.add(doc)
    for question in ("什么是鬼魅般的超距作用？", "量子纠缠", "爱因斯坦怎么说"):
        top = index.search([doc.sha256], question, k=3)[0]
        assert top.page == 17, question
        assert "量子纠缠" in top.text
    assert "鬼魅" in index.search([doc.sha256], "鬼魅般的超距作用", k=1)[0].excerpt


@pytest.mark.parametrize(
    "question",
    ['"', 'a"b', "AND OR NOT", "NEAR(foo bar)", "*", "col:value", "(", ")))", "^start", "-x +y",
     "'; DROP TABLE chunks; --", "", "   ", "？？", "\x00", "😀 emoji", "x" * 5000, "word " * 500],
)
def test_any_user_text_is_a_safe_query(index, question):
    doc = extract_bytes(make_pdf(numbered_pages(3)), "n.pdf")
    index.add(doc)
    sources = index.search([doc.sha256], question, k=2)
    assert len(sources) <= 2  # no exception; nothing matching falls back to the opening


def test_query_terms_are_quoted_and_ored():
    assert question_query("Was ist ein Hausdorff-Raum?") == (
        '"Was"* OR "ist"* OR "ein"* OR "Hausdorff" OR "Hausdor"* OR "Raum"*'
    )
    assert question_query("机器学习") == '"机 器" OR "器 学" OR "学 习"'
    assert question_query("?!") is None


def test_index_text_matches_the_conversation_store(tmp_path):
    # documents may not import store (the layers contract), so the CJK preparation is repeated:
    # it must stay identical to store/search_text.py.
    for text in ("机器学习 is 机器学习", "Grüße, 世界! 한국어 テスト", "plain", "数据库\n系统"):
        assert index_text(text) == search_text.index_text(text)


def test_each_document_is_indexed_once_and_kept(geotopo):
    path = data_dir() / "documents.sqlite3"
    with DocumentIndex(path) as idx:
        count = idx.add(geotopo)
        assert idx.add(geotopo.renamed("Skript.pdf")) == count  # no second indexing ...
        assert idx.search([geotopo.sha256], "Kurvensatz", 1)[0].file_name == "Skript.pdf"  # ... the newer name
    with DocumentIndex(path) as idx:  # a restart: still indexed
        assert idx.is_indexed(geotopo.sha256)
        assert len(idx.chunks(geotopo.sha256)) == count
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    assert rows == count


def test_search_is_limited_to_the_documents_asked_for(index, geotopo):
    other = extract(sample("pdflatex-4-pages.pdf"))
    index.add(geotopo)
    index.add(other)
    assert index.search([other.sha256], "Jordanscher Kurvensatz", k=3, fallback_to_start=False) == []
    both = index.search([other.sha256, geotopo.sha256], "Jordanscher Kurvensatz", k=1,
                        names={geotopo.sha256: "lecture.pdf"})
    assert (both[0].doc_hash, both[0].file_name) == (geotopo.sha256, "lecture.pdf")
    index.remove(geotopo.sha256)
    assert not index.is_indexed(geotopo.sha256)
    assert index.search([geotopo.sha256], "Kurvensatz", k=3) == []


def test_no_match_falls_back_to_the_opening(index):
    doc = extract_bytes(make_pdf(numbered_pages(12)), "n.pdf")
    index.add(doc)
    sources = index.search([doc.sha256], "Summarise this!", k=2)
    assert [s.chunk_index for s in sources] == [0, 1] and all(s.score == 0.0 for s in sources)
    assert sources[0].page == 1 and sources[0].excerpt.startswith("pagemarker1 ")


def test_sources_are_formatted_for_the_model(index):
    doc = extract_bytes(make_pdf(numbered_pages(12)), "n.pdf")
    index.add(doc)
    sources = index.search([doc.sha256], "pagemarker7", k=1)
    block = format_sources(sources)
    first, last = sources[0].first_page, sources[0].last_page
    assert block.startswith(f"[passage 1: “n.pdf”, pages {first}–{last}]\n") and "pagemarker7" in block
    assert sources[0].page == 7


def test_a_damaged_index_file_is_set_aside_and_rebuilt(geotopo):
    path = data_dir() / "documents.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with DocumentIndex(path) as idx:
        idx.add(geotopo)
        assert idx.search([geotopo.sha256], "Jordanscher Kurvensatz", 1)[0].page == 23
    assert (data_dir() / "documents.sqlite3.damaged").is_file()
