"""Citations against expected strings written by hand from GB/T 7714-2015 (§8.8, electronic
resources: 主要责任者. 题名[EB/OL]. (发表或更新日期)[引用日期]. 获取和访问路径.) and BibTeX."""

from reform_archive.report import Report
from reform_archive.site.citation import CitationData, bibtex, bibtex_key, citation_data, gbt7714

URL = "https://archive.example.org/reports/2009/石门县乡镇卫生院/"


def test_gbt7714_with_region_as_issuing_body_and_year():
    report = Report(title="石门县乡镇卫生院机构编制情况调研", body="", year=2009, region="湖南省常德市石门县")
    assert gbt7714(citation_data(report, URL, "2026-12-02")) == (
        "湖南省常德市石门县. 石门县乡镇卫生院机构编制情况调研[EB/OL]. (2009)[2026-12-02]. "
        "https://archive.example.org/reports/2009/石门县乡镇卫生院/.")


def test_gbt7714_prefers_the_source_author_and_the_full_date():
    report = Report(title="关于深化乡镇机构改革的指导意见", body="", year=2009, region="全国",
                    date="2009-01-05", source={"author": "中共中央办公厅", "outlet": "新华网"})
    assert gbt7714(citation_data(report, URL, "2026-12-02")) == (
        "中共中央办公厅. 关于深化乡镇机构改革的指导意见[EB/OL]. (2009-01-05)[2026-12-02]. "
        "https://archive.example.org/reports/2009/石门县乡镇卫生院/.")


def test_gbt7714_national_document_without_author_or_year():
    report = Report(title="国务院政府工作报告", body="", region="全国")
    assert gbt7714(citation_data(report, "/r/x/", "2026-01-01")) == "国务院政府工作报告[EB/OL]. [2026-01-01]. /r/x/."


def test_bibtex_escapes_what_latex_reads_as_commands():
    data = CitationData(title="50%的乡镇_试点 & {合并} #1", author="某县\\编办", date="2006", url=URL,
                        accessed="2026-12-02")
    assert bibtex(data, "k") == (
        "@misc{k,\n"
        "  title = {{50\\%的乡镇\\_试点 \\& \\{合并\\} \\#1}},\n"
        "  author = {{某县\\textbackslash{}编办}},\n"
        "  year = {2006},\n"
        "  howpublished = {中国改革报告档案},\n"
        "  url = {https://archive.example.org/reports/2009/石门县乡镇卫生院/},\n"
        "  urldate = {2026-12-02},\n"
        "  note = {引用日期：2026-12-02}\n"
        "}")


def test_bibtex_key_is_stable_and_differs_between_reports():
    a = CitationData("甲", "", "2006", URL, "2026-12-02")
    b = CitationData("甲", "", "2006", URL + "x/", "2026-12-03")
    assert bibtex_key(a) == bibtex_key(CitationData("乙", "", "2006", URL, "2027-01-01"))
    assert bibtex_key(a).startswith("reform-archive-2006-") and bibtex_key(a) != bibtex_key(b)
    assert bibtex(a).startswith("@misc{" + bibtex_key(a) + ",\n")
