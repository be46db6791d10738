"""Topic rules on short texts written for the tests (modelled on the corpus's kinds of report)."""

import pytest

from reform_archive.topics import MAX_TOPICS, VOCABULARY, classify_topics

WORK_REPORT = "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n"
RESOLUTION = "第十二届全国人民代表大会第五次会议听取和审议了国务院总理所作的政府工作报告。会议决定批准这个报告。\n"
CONGRESS_REPORT = "同志们！\n现在，我代表第十一届中央委员会向大会作报告。\n"


@pytest.mark.parametrize("text, kind", [
    (WORK_REPORT + "党的第十三次全国代表大会提出了路线。全国代表大会的精神。", "政府工作报告"),
    (RESOLUTION, "人大决议"),  # before: also 政府工作报告, for the report it names
    (CONGRESS_REPORT, "党代会报告"),
    ("现在我代表中央委员会作关于上届代表会议以来的工作报告。", "党代会报告"),
    ("同志们，北京共产主义组织仅仅是在十个月以前才产生的。在此次代表大会上，不能向你们谈更多的经验。", "党代会报告"),
])
def test_a_document_is_of_the_kind_its_opening_says(text, kind):
    kinds = [t.name for t in VOCABULARY if t.is_kind]
    assert [t for t in classify_topics(text) if t in kinds] == [kind]


def test_a_meeting_speech_that_opens_with_comrades_is_no_congress_report():
    """`同志们` opens any meeting speech, e.g. a city's work meeting on township reform."""
    speech = "同志们：\n今天召开全市乡镇机构改革工作会议，主要任务是部署乡镇机构改革。撤并乡镇的工作要稳妥。\n"
    assert "党代会报告" not in classify_topics(speech)


def test_a_kind_named_in_the_body_is_not_the_documents_kind():
    """A township survey that mentions 人民代表大会 is no party congress report."""
    body = "乡镇机构改革以来，乡镇人大沦为助手，违背了人民代表大会的根本政治制度。" * 3
    assert not {"党代会报告", "人大决议", "政府工作报告"} & set(classify_topics("一、基本情况\n" + "正文。" * 400 + body))


def test_state_institutional_reform_is_its_own_topic():
    text = WORK_REPORT + "国务院机构改革方案已经通过。机构改革要精简机构，合理机构设置。政府机构改革要积极稳妥。"
    assert "机构改革" in classify_topics(text)


def test_a_township_reform_report_is_filed_under_the_narrower_topic_only():
    """In a report on 乡镇机构改革 a bare 机构改革 (此次机构改革) is that township reform."""
    text = "乡镇机构改革是一项系统工程。此次机构改革精简了机构设置。机构改革后，撤并乡镇两个。镇级机构改革完成。机构改革顺利。"
    topics = classify_topics(text)
    assert "乡镇机构改革" in topics and "机构改革" not in topics


def test_drawing_up_a_plan_is_not_staffing():
    """Before: `编制规划`, `编制了《…纲要》` counted toward 机构编制."""
    text = WORK_REPORT + "编制“十五五”规划。科学编制和实施建设规划。省政府编制了《国民经济和社会发展纲要》。编制预算。"
    assert "机构编制" not in classify_topics(text)
    staffing = "核定行政编制123名、事业编制80名，人员编制从严，领导职数按规定配备，编外人员清退。"
    assert "机构编制" in classify_topics(staffing)


def test_other_tax_reforms_are_not_the_rural_tax_reform():
    """Before: `营业税改征增值税` and `资源税改革` counted as 税改."""
    text = WORK_REPORT + "开展营业税改征增值税试点。推进资源税改革。财税改革取得进展。深化增值税改革。"
    assert "农村税费改革" not in classify_topics(text)
    assert "农村税费改革" in classify_topics("税改前，乡镇收入依靠统筹提留。农村税费改革后，编办作为税改工作的牵头单位。")


def test_subjects_said_at_length():
    reform = WORK_REPORT + "经济体制改革要深化，价格改革稳步推进，企业改革和国有企业改革是中心环节。" * 2
    poverty = WORK_REPORT + "扶贫开发要加大力度，贫困地区贫困人口脱贫，贫困县摘帽，脱贫攻坚。" * 2
    assert classify_topics(reform)[:2] == ["政府工作报告", "经济体制改革"]
    assert classify_topics(poverty)[:2] == ["政府工作报告", "扶贫开发"]
    assert "扶贫开发" not in classify_topics(WORK_REPORT + "扶贫工作要加强。")  # a mention is not a subject


def test_at_most_one_kind_and_max_subjects():
    text = (RESOLUTION + "乡镇机构改革。撤并乡镇。" * 3 + "卫生院、医疗机构。" * 3 + "政府职能转变。" * 4
            + "扶贫开发，脱贫。" * 5 + "经济体制改革。" * 6)
    topics = classify_topics(text)
    assert topics[0] == "人大决议" and len(topics) == 1 + MAX_TOPICS


def test_classification_is_the_same_in_every_process():
    """Overlapping terms (政府职能转变: 政府职能 / 职能转变) are matched in a fixed order."""
    text = "政府职能转变，政府职能转变，转变职能，服务型政府。"
    assert classify_topics(text) == ["政府职能"]
