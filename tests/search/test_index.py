import gzip
import json

from reform_archive.search.format import META_CHUNK, TEXT_BLOCK, fnv1a
from reform_archive.search.index import SearchDocument, build_search_index
from reform_archive.search.normalize import normalize_text
from reform_archive.search.text import page_text, page_text_and_headings


def test_normalisation_keeps_every_position():
    text = "一九五四年政府工作報告：ＧＤＰ增長７．５％\n\t農業"
    normal = normalize_text(text)
    assert len(normal) == len(text)
    assert normal == "一九五四年政府工作报告:gdp增长7.5%  农业"


def test_page_text_leaves_out_metadata_versions_and_permalinks():
    html = ('<dl class="ra-report-meta"><dt>来源</dt><dd>乡镇办公室科员工作8篇</dd></dl>'
            '<h2 id="x">一、情况<a class="headerlink" href="#x">¶</a></h2><p>石门县<b>乡镇</b>卫生院。</p>'
            '<div class="ra-versions"><p>其他版本</p></div><script>var x = 1;</script>')
    assert page_text(html) == "一、情况\n石门县乡镇卫生院。"


def test_page_text_says_which_lines_are_headings():
    html = ('<h1>总 题</h1><p>正文\n第二行</p><h2 id="x">一、<b>情况</b><a class="headerlink" href="#x">¶</a></h2>'
            '<p>石门县</p><h3> </h3><ul><li><h4>小节</h4></li></ul>')
    text, headings = page_text_and_headings(html)
    assert text == page_text(html) == "总 题\n正文\n第二行\n一、情况\n石门县\n小节"
    assert [text[a:b] for a, b in headings] == ["总 题", "一、情况", "小节"]


def test_index_files_are_sharded_and_complete():
    docs = [SearchDocument(url=f"reports/2006/r{i}/", title=f"报告{i}", body="乡镇卫生院" * (i + 1),
                           year=2006, region="湖南省", regions=["湖南省"], topics=["医疗卫生"])
            for i in range(70)]
    files = build_search_index(docs)
    manifest = json.loads(files["manifest.json"])
    assert manifest["docs"] == 70
    shards = [name for name in files if name.startswith("g/")]
    assert len(shards) == manifest["shards"] >= 16
    urls, titles, years, regions = json.loads(gzip.decompress(files["lines.json.gz"]))
    assert (urls[19], titles[19], years[19], regions[19]) == (docs[19].url, "报告19", 2006, "湖南省")
    assert manifest["linesTable"] and not [n for n in files if n.startswith(("m/", "r/"))]
    # The title and the metadata lines (region, topics, keywords, source), then the body.
    assert gzip.decompress(files["t/3-0.txt.gz"]).decode("utf-8") == "报告3\n湖南省\n医疗卫生\n\n\n" + "乡镇卫生院" * 4
    info = gzip.decompress(files["docinfo.bin"])
    assert info[:70] == bytes(len(d.title) + 1 for d in docs)
    assert info[70:140] == bytes([4] * 70) and info[140:210] == bytes([5] * 70) and info[210:350] == bytes([1] * 140)
    # Length and year, one byte each: report 3's 35 characters (4 + 4 + 5 + 1 + 1 + 20) are code
    # 33, which stands for 34 (16 steps per doubling from 32); 2006 is stored as 206.
    assert len(docs[3].text) == 35 and info[350 + 3] == 33
    assert info[420:490] == bytes([206] * 70) and len(info) == 490
    # The gram 卫生 lives in exactly the shard its hash names (an entry: key length, key), and
    # the word 乡镇卫生院 in the shard of its first bigram.
    for key, shard in (("卫生", "卫生"), ("\t乡镇卫生院", "乡镇")):
        entry = bytes([len(key.encode("utf-8"))]) + key.encode("utf-8")
        holder = [n for n in shards if entry in gzip.decompress(files[n])]
        assert holder == [f"g/{fnv1a(shard) % manifest['shards']}.bin"]


def test_fnv1a_matches_the_reference_values():
    # Published FNV-1a 32-bit test vectors; the worker implements the same function.
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert fnv1a("foobar") == 0xBF9CF968


def test_long_texts_are_split_into_blocks_that_join_back():
    body = "".join(f"第{i}段乡镇卫生院。" for i in range(2000))
    doc = SearchDocument(url="reports/2006/r/", title="长报告", body=body)
    files = build_search_index([doc])
    blocks = sorted((int(n.split("-")[1].split(".")[0]), v) for n, v in files.items() if n.startswith("t/0-"))
    assert len(blocks) == -(-len(doc.text) // TEXT_BLOCK) > 1
    assert "".join(gzip.decompress(v).decode("utf-8") for _, v in blocks) == doc.text


def test_an_archive_too_large_for_one_lines_table_gets_lines_per_report_and_chunk():
    docs = [SearchDocument(url=f"reports/2006/r{i}/", title=f"报告{i}", body="乡镇", year=2006 if i % 2 else None,
                           region="湖南省") for i in range(40)]
    small = build_search_index(docs)
    files = build_search_index(docs, lines_table_max=len(small["lines.json.gz"]) - 1)
    assert not json.loads(files["manifest.json"])["linesTable"] and "lines.json.gz" not in files
    assert len([n for n in files if n.startswith("m/")]) == -(-40 // META_CHUNK)
    assert json.loads(gzip.decompress(files["m/1.json.gz"]))[3] == [docs[19].url, "报告19", 2006, "湖南省"]
    assert json.loads(files["r/19.json"]) == [docs[19].url, "报告19", 2006, "湖南省"]
    assert json.loads(files["r/18.json"]) == [docs[18].url, "报告18", 0, "湖南省"]
