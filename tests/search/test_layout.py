"""The text the index matches: metadata lines before the body, breaks inside a sentence left
out (and marked for the snippets), quotation marks folded alike."""

import gzip
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from reform_archive.search.files import _blocks
from reform_archive.search.format import BREAK_MARK, SHARD, TEXT_BLOCK, WORD_MARK, fnv1a
from reform_archive.search.index import SearchDocument, build_search_index
from reform_archive.search.layout import join_breaks, lay_out
from reform_archive.search.normalize import normalize_text
from tests.search.reader import read_shard


def test_a_sentence_cut_over_two_paragraphs_is_one_text_for_matching():
    joined = join_breaks("国务院总理李克强所作的\n政府工作报告。")
    assert joined.matched == "国务院总理李克强所作的政府工作报告。"
    assert joined.shown == f"国务院总理李克强所作的{BREAK_MARK}政府工作报告。"


def test_a_subscript_on_its_own_line_joins_its_word():
    assert join_breaks("细颗粒物（PM\n2.5\n）浓度").matched == "细颗粒物（PM2.5\n）浓度"
    assert join_breaks("ＰＭ\n２.５").matched == "ＰＭ２.５"   # full-width, as normalised


def test_spaces_between_latin_words_and_after_punctuation_stay():
    assert join_breaks("GDP growth rate").matched == "GDP growth rate"
    assert join_breaks("增长, 2006").matched == "增长, 2006"
    assert join_breaks("我们 2006年 增长 GDP").matched == "我们2006年增长GDP"
    assert join_breaks("词 word\nnext").matched == "词word\nnext"


def test_metadata_lines_come_before_the_body_and_never_join():
    layout = lay_out(["标题", "湖南省常德市石门县", "机构编制、医疗卫生", "编制", "乡镇办公室科员工作8篇"],
                     "一、总则\n正文\n二、其他", [(0, 4), (8, 13)])
    assert layout.matched == "标题\n湖南省常德市石门县\n机构编制、医疗卫生\n编制\n乡镇办公室科员工作8篇\n一、总则正文二、其他"
    assert layout.line_lengths == (3, 10, 10, 3, 12)
    assert [layout.matched[a:b] for a, b in layout.headings] == ["一、总则", "二、其他"]


def test_quotation_marks_of_every_form_normalise_alike():
    forms = ["“十四五”", "「十四五」", '"十四五"', "＂十四五＂"]
    assert len({normalize_text(f) for f in forms}) == 1
    assert normalize_text("『一』") == normalize_text("‘一’") and normalize_text("〈书〉") == "《书》"


def _every_entry(files):
    entries = {}
    for name, data in files.items():
        if name.startswith("g/"):
            entries.update(read_shard(gzip.decompress(data)))
    return entries


def test_the_region_path_and_the_source_are_found_as_strings_with_their_line():
    docs = [SearchDocument(url="r/0/", title="石门县报告", body="正文没有地名。", year=2009, region="湖南省常德市石门县",
                           regions=["湖南省", "湖南省常德市", "湖南省常德市石门县"], topics=["机构编制"],
                           keywords=["乡镇卫生院"], source="乡镇办公室科员工作8篇"),
            SearchDocument(url="r/1/", title="别的", body="所作的\n政府工作报告", year=2010)]
    files = build_search_index(docs)
    entries = _every_entry(files)
    # 常德 is a bigram of the region line only; its first position is in that line.
    common = entries["常德"]
    assert common.columns["doc"] == [0]
    assert (common.columns["where"][0] >> 2) - 1 == len("石门县报告\n湖南省")
    assert entries["科员"].columns["doc"] == [0]
    # across the paragraph break: the bigram 的政 is there, at the break
    assert entries["的政"].columns["doc"] == [1]
    text = gzip.decompress(files["t/1-0.txt.gz"]).decode("utf-8")
    assert text == f"别的\n\n\n\n\n所作的{BREAK_MARK}政府工作报告"
    facets = json.loads(files["facets.json"])
    assert facets["regions"] == ["湖南省", "湖南省常德市", "湖南省常德市石门县"]
    assert facets["docs"] == [[2009, [0, 1, 2], [0]], [2010, [], []]]
    shards = json.loads(files["manifest.json"])["shards"]
    assert WORD_MARK + "石门县" in read_shard(gzip.decompress(files[SHARD.path(shard=fnv1a("石门") % shards)])) \
        or any(WORD_MARK + "石门县" == k for k in entries)


def test_text_blocks_count_positions_without_the_marks():
    body = ("字" * 2040 + "\n") * 3
    doc = SearchDocument(url="r/", title="题", body=body)
    files = build_search_index([doc])
    blocks = [gzip.decompress(files[f"t/0-{k}.txt.gz"]).decode("utf-8") for k in range(3)]
    assert [len(b.replace(BREAK_MARK, "")) for b in blocks[:2]] == [2048, 2048]
    assert "".join(blocks) == doc.layout.shown and doc.layout.shown.replace(BREAK_MARK, "") == doc.text


def _blocks_by_characters(shown: str, size: int) -> list[str]:
    """The rule, one character at a time: a new block at every `size`-th unmarked character
    after the first block's, the marks just before it going with it."""
    blocks, current, counted = [], "", 0
    for c in shown:
        if c != BREAK_MARK and counted == size:
            marks = len(current) - len(current.rstrip(BREAK_MARK))
            blocks.append(current[: len(current) - marks])
            current, counted = current[len(current) - marks :], 0
        current += c
        counted += c != BREAK_MARK
    return blocks + [current]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 3)), max_size=12))
def test_text_blocks_cut_where_the_character_by_character_rule_does(runs):
    shown = "".join("字" * n + BREAK_MARK * marks for n, marks in runs)
    assert _blocks(shown) == _blocks_by_characters(shown, TEXT_BLOCK)
