"""Site chrome: the lines a web page carries around its article, told by their vocabulary.

A page copied from a browser (or saved as .html) brings the site with it: menus and
breadcrumbs, font-size and share widgets, `发布日期：… 来源：…` lines, print/close buttons,
related-article lists, pagination, footers with ICP numbers, and on 范文 sites download
buttons and `以下是小编整理的…` intros. Each is recognised here as a *whole line* by the words
sites use for it, in simplified and traditional characters (a line is matched on its
simplified, NFKC form, with the pinyin some mirrors insert after characters, `績(jì)效`, taken
out). A line of an article is never matched by a word it merely contains: the patterns are
anchored, short lines only, or need a site's own vocabulary (`本网`, `ICP备`, `小编`).

Where the article is on the page (which run of lines, which title) is `layout.py`'s concern;
this module only says what one line is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from .chinese import to_simplified

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# Mirrors that annotate characters with pinyin: 績(jì)效, 開(kāi)展.
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\((?:[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7})\)")
_SPACES = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
_BULLET = re.compile(r"^(?:[-*+•·▪■□◆◇●○►▶]\s*)+")


def matching_form(line: str) -> str:
    """The line as the vocabulary is matched against it: NFKC (full-width to half-width),
    simplified characters, inserted pinyin removed, runs of space as one space."""
    text = unicodedata.normalize("NFKC", line)
    text = _PINYIN.sub("", to_simplified(text))
    return _BULLET.sub("", _SPACES.sub(" ", text).strip())


def cjk_count(text: str) -> int:
    return sum(1 for c in text if "\u3400" <= c <= "\u9fff")


class LineKind(Enum):
    NAVIGATION = "navigation"   # menus, breadcrumbs, language and login links: the page's top
    WIDGET = "widget"           # font size, share, print/close/collect bars: around the text
    META = "meta"               # 发布日期 / 来源 / 作者 / 浏览次数 lines, 索引号 tables: read, not kept
    END = "end"                 # what follows an article: related lists, pagination, editor line
    FOOTER = "footer"           # ICP and police numbers, 主办单位, copyright, address, phone
    SITE_TEXT = "site text"     # a site's own prose: disclaimers, 范文 intros, download prompts


# Words that, alone or strung together with separators, make a line of site controls.
WIDGET_WORDS = frozenset("""
打印 打印本页 打印此页 打印本稿 打印文章 关闭 关闭窗口 关闭本页 关闭此页 返回顶部 顶部 返回 收藏 已收藏 加入收藏
分享 分享到 字体 字号 大 中 小 默认 超大 放大 正常 缩小 加大 还原 减小 标准 全屏 下载 推荐 纠错 评论 图集
pdf下载 word下载 打印文本 保存 复制链接 +1 我要纠错 【 】 X x 二维码 扫一扫 微信扫一扫 微信 微博 Qzone QQ空间 QQ好友
朋友圈 豆瓣 人人网 腾讯微博 新浪微博 图集 点赞 在看
""".split())
NAVIGATION_WORDS = frozenset("""
首页 网站首页 返回首页 主页 登录 注册 登录/注册 退出 个人中心 我的 搜索 高级搜索 站内搜索 检索 简体 繁体 简 繁 简体版 繁体版
转繁体版 转简体版 切换到繁体 切换到简体 繁体中文 简体中文 无障碍 无障碍浏览 无障碍阅读 长者模式 长者浏览 关怀版 适老化 网站无障碍关怀版
English EN 英文版 蒙古文版 藏文版 维文版 手机版 电脑版 移动版 客户端 小程序 app APP 邮箱 频道
网站地图 网站导航 网站帮助 网站声明 网站申明 隐私声明 隐私政策 关于我们 联系我们 关于本网 关于本站 安全隐私 版权保护 版权声明
法律顾问 广告服务 技术服务中心 网站纠错 设为首页 添加收藏夹 加入收藏 旧版回顾 旧版 快捷菜单 访问统计 更多 正文 上一篇 下一篇
上一页 下一页 尾页 末页 第一页 最后一页 意见反馈 用户反馈 帮助中心 投诉建议 在线客服 官方微博 官方微信 数字报 电子版 cnzz CNZZ
网站统计 政务微博 政务微信 订阅 RSS 留言 互动 更多>> 更多> >> » 》
""".split())
_SEPARATORS = re.compile(r"[\s|｜丨/\\·•・,，、;；:：\[\]【】［］<>＜＞()（）「」\-—_]+")

_BREADCRUMB_LABEL = re.compile(r"^(?:您?(?:当前|现在|目前)?的?(?:所在)?位置|当前位置|现在位置|所在位置|位置|导航"
                               r"|热门搜索|热搜|搜索热词|热门关键词|热门标签)\s*[:：]")
_BREADCRUMB_PATH = re.compile(r"(?:^|\s)(?:首页|主页|网站首页|当前位置)\s*(?:>>?|»|›|→|/|\||｜|-)\s*\S"
                              r"|^[^>»›。，]{1,20}(?:\s*(?:>>?|»|›)\s*[^>»›。，]{1,20}){2,}$"
                              r"|^\s*(?:>|»|›)\s*\S|(?:>>?|»|›)\s*正文\s*$|^\S{1,12}\s+正文$")

# `发布日期：2022-02-11 08:52 浏览次数： 信息来源：省发改委`: the line is its labelled fields.
META_LABELS = (
    "发布日期|发布时间|发表时间|发表日期|更新时间|更新日期|生成日期|成文日期|印发日期|公布日期|日期|时间"
    "|来源|来源于|信息来源|文章来源|稿件来源|新闻来源|出处|作者|撰稿|撰稿人|供稿|记者|通讯员|摄影|图片"
    "|编辑|责任编辑|责编|编审|审核|审校|校对|核稿|签发|浏览次数|浏览量|浏览|阅读次数|阅读量|阅读|访问量|访问次数|点击数|点击量|点击率|点击"
    "|字号|字体|索引号|分类|主题分类|体裁分类|组配分类|服务对象分类|发文机关|发布机构|发文单位|发文字号|文号|标题|公开方式"
    "|公开时限|公开范围|公开日期|责任部门|有效性|是否有效|主题词|关键字|信息分类|所属机构|所属主题|备注|内容概述"
)
_LABEL = re.compile(rf"^[【\[（(]?\s*(?:{META_LABELS})\s*[:：]", re.I)
_ANY_LABEL = re.compile(rf"(?:^|\s|\||｜|】|\)|）)(?:{META_LABELS})\s*[:：]")
_DATE = r"(?:19|20)\d{2}\s*(?:[-/.年]\s*\d{1,2}\s*(?:[-/.月]\s*\d{1,2}\s*日?)?)"
_TIME = r"\d{1,2}\s*[:：时]\s*\d{2}(?:\s*[:：分]\s*\d{2}\s*秒?)?"
DATE_LINE = re.compile(rf"^[（(【\[]?\s*{_DATE}\s*(?:{_TIME})?\s*(?:星期.|周.)?\s*[）)】\]]?$")
# A date or time followed by the outlet: `2005年08月16日　来源：新华网`, `2022.01.20 16:31 来源：…`.
_DATE_THEN_FIELDS = re.compile(rf"^{_DATE}\s*(?:{_TIME})?\s*(?:星期.|周.)?\s*(?:[|｜]\s*)?(?:{META_LABELS})\s*[:：]")
_FIELDS_THEN_DATE = re.compile(rf"^(?:{META_LABELS})\s*[:：].{{0,40}}?{_DATE}\s*(?:{_TIME})?\s*$")
# A 索引号 value (`014742224A/2023-0043406`) or an opening/validity value on its own line.
_TABLE_VALUE = re.compile(r"^[0-9A-Za-z]{6,}/\d{4}-\d+$|^(?:主动公开|依申请公开|常年公开|长期公开|面向全社会|有效|全文)$")
_URL_LINE = re.compile(r"^(?:(?:网址|链接|原文链接|本文链接|原文地址|URL|url)\s*[:：]\s*)?(?:https?://|www\.)\S+$")
_SITE_NAME_URL = re.compile(r"^\S{2,20}(?:网|网站|门户网站|政府网)\s+(?:https?://)?www\.\S+$")

END_LIST = re.compile(
    r"^[【\[]?(?:相关|热门|最新|推荐|精彩|热点|延伸|猜你|大家都在|本站|往期|更多|其他|同类|编辑推荐|网友|今日)"
    r"(?:稿件|新闻|阅读|文章|推荐|链接|报道|文档|资讯|专题|动态|内容|热帖|热词|专栏|图片|视频|评论|喜欢|看|搜索|排行|关注|话题)?"
    r"(?:阅读|推荐|排行|排行榜|文章)?[】\]]?\s*[:：]?\s*(?:[\[［【]?更多[\]］】]?|>>|»)?$"
    r"|^(?:热帖|热词|热图|图片聚焦|炫图|视频|精彩专栏|友情链接|友情连接|网友评论|发表评论|我要评论|评论区|新闻评论|加载更多|查看更多"
    r"|关联稿件|关联文件|相关附件|附件下载|全文下载|相关解读|相关政策|政策解读|图文解读|上一篇|下一篇|上一条|下一条|返回列表)\s*[:：]?"
    r"|^[［\[]?更多[］\]]?$|^(?:\[\d+\]\s*)+$|^(?:第\s*\d+\s*页\s*)?共\s*\d+\s*页|^(?:上一页|下一页|首页|尾页)(?:\s+\S+){0,12}$"
)
_EDITOR_LINE = re.compile(r"^[（(【\[]?\s*(?:责任编辑|责编|编辑|审核|审校|校对)\s*[:：]\s*\S{1,20}(?:\s+\S{1,20}){0,3}\s*[）)】\]]?\s*[|｜]?$"
                          r"|^[（(【\[]\s*\S{1,10}(?:在线|网|日报|报|台)?编辑\s*[:：]\s*\S{1,10}\s*[）)】\]]\s*[|｜]?$")
_CORRECTION = re.compile(r"^【纠错】")

# Footer: registration numbers, sponsors, copyright, address and contact lines.
FOOTER = re.compile(
    r"ICP备|ICP证|ICP许可|公网安备|网安备|公安备|公安机关备案|网站标识码|标识码\s*[:：]?\s*[0-9A-Za-z]|备案号"
    r"|许可证编号|经营许可证|新闻信息服务许可|主办单位|承办单位|协办单位|运行维护单位|运维单位|技术支持\s*[:：]|主办\s*[:：]|承办\s*[:：]"
    r"|[（(]主办[）)]|[（(]承办[）)]|版权所有|Copyright|©|All Rights Reserved|中文域名|建议使用.{0,30}浏览器|分辨率|违法和不良信息举报"
    r"|举报电话|举报邮箱|网站声明.{0,4}网站地图|关于我们.{0,4}联系我们",
    re.I)
_CONTACT = re.compile(r"^[\S]{0,10}?(?:地址|电话|传真|邮编|邮箱|E-?mail|联系方式|急救电话|服务热线|咨询电话|热线)\s*[:：]", re.I)
# A site's own prose: disclaimers, 范文 intros, download prompts. Matched anywhere in a line of
# up to SITE_TEXT_MAX characters, so only words no article uses of itself are here.
SITE_TEXT = re.compile(
    r"(?:本网|本站|本平台|本文档|该文档).{0,30}(?:注明|转载|版权|免责|不代表|仅供|上传|侵权|删除)"
    r"|免责声明|版权声明\s*[:：]|版权与免责|转载请注明|未经.{0,10}(?:许可|授权|同意).{0,6}(?:不得|禁止)(?:转载|复制|使用)"
    r"|小编|文档之家|范文网|范文大全|文章来源于网络|本文由.{0,20}(?:网友|用户).{0,10}(?:整理|发布|上传)"
    r"|(?:以下|下面)(?:是|为|就是)?.{0,40}(?:整理|收集|搜集|精选|推荐|分享)的.{0,60}(?:欢迎|供大家|希望|仅供|参考|阅读|借鉴)"
    r"|网上有害信息举报|有害信息举报专区|使用大于.{0,20}分辨率|全文阅读已结束"
)
# The same, for short lines only: prompts and buttons whose words an article may also use.
SHORT_SITE_TEXT = re.compile(
    r"(?:请|您)(?:先)?登录|登录后|即将离开|是否继续|跳转到|确认跳转|^继续访问|下载(?:文档|全文|本文|word|WORD|Word)"
    r"|立即下载|免费下载|阅读全文|展开全文|^点击(?:查看|阅读|进入|下载)|扫一扫|扫描二维码|长按(?:识别)?二维码"
    r"|^关注(?:我们|本网|公众号)|^关注\S{1,8}(?:网|号|微信|微博)$|^(?:合集下载|推荐度|推荐指数|相关推荐)\s*[:：]?|推荐度\s*[:：]"
    r"|^提示\s*[:：].{0,40}(?:浏览器|分辨率)|^欢迎(?:访问|光临|来到)"
)
SHORT_SITE_TEXT_MAX = 40
SITE_TEXT_MAX = 400   # a site's own prose is a short paragraph; a long one is somebody's text

MAX_CHROME_CHARS = 160   # longer lines are text whatever words they hold (except SITE_TEXT)


@dataclass(frozen=True)
class LineFields:
    """What a META line says: `published` YYYY-MM-DD, `outlet` (来源), `author`, `title`."""

    published: str = ""
    outlet: str = ""
    author: str = ""
    title: str = ""


def _words_only(form: str, words: frozenset[str]) -> bool:
    tokens = [t for t in _SEPARATORS.split(form) if t]
    # Page numbers (`1 2 3 下一页`) go with the words; a line of numbers alone is data.
    return (any(not t.isdigit() for t in tokens)
            and all(t in words or t.isdigit() and len(t) <= 2 for t in tokens))


def classify(line: str) -> LineKind | None:
    """The kind of chrome a line is, or None when it may be the article's."""
    form = matching_form(line)
    if not form:
        return None
    if len(form) <= SITE_TEXT_MAX and SITE_TEXT.search(form) or (
            len(form) <= SHORT_SITE_TEXT_MAX and SHORT_SITE_TEXT.search(form)):
        return LineKind.SITE_TEXT
    if len(form) > MAX_CHROME_CHARS:
        return None
    if _words_only(form, WIDGET_WORDS):
        return LineKind.WIDGET
    if _words_only(form, WIDGET_WORDS | NAVIGATION_WORDS):
        return LineKind.NAVIGATION
    if _BREADCRUMB_LABEL.match(form) or _BREADCRUMB_PATH.search(form):
        return LineKind.NAVIGATION
    if END_LIST.match(form) or _EDITOR_LINE.match(form) or _CORRECTION.match(form):
        return LineKind.END
    if FOOTER.search(form) and "。" not in form or _CONTACT.match(form) and "。" not in form:
        return LineKind.FOOTER
    if is_meta(form):
        return LineKind.META
    if _URL_LINE.match(form) or _SITE_NAME_URL.match(form) or not cjk_count(form) and len(form) <= 12:
        return LineKind.META
    if _font_widget(form):
        return LineKind.WIDGET
    return None


def _font_widget(form: str) -> bool:
    """`【字体：大 中 小】`, `字号：默认 大 超大 | 打印 |`, `分享到：`, `打印 字体： 放大 正常 缩小 分享`."""
    stripped = re.sub(r"(?:字体|字号|分享到|分享)\s*[:：]", " ", form)
    return stripped != form and _words_only(stripped, WIDGET_WORDS | NAVIGATION_WORDS)


_INNER_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def is_meta(form: str) -> bool:
    """A line of labelled page fields (`发布日期：… 来源：…`), a bare publication date, or a
    date followed by fields; never a sentence."""
    form = _INNER_SPACE.sub("", form)  # `索 引 号：`
    if "。" in form or len(form) > MAX_CHROME_CHARS:
        return False
    if DATE_LINE.match(form) or _TABLE_VALUE.match(form):
        return True
    if _DATE_THEN_FIELDS.match(form) or _FIELDS_THEN_DATE.match(form):
        return True
    if not _LABEL.match(form):
        return False
    if re.match(r"^[【\[（(]?\s*标题\s*[:：]", form):
        return True  # a 政务公开 table's title field, however long the title
    # `作者：张三 来源：…`: a label at the start and either short values or more labels.
    rest = _LABEL.sub("", form, count=1)
    if _ANY_LABEL.search(rest):
        return True
    return len(rest) <= 40 and not re.search(r"[，,？?！!]", rest)


_FIELD = re.compile(rf"(?P<label>{META_LABELS})\s*[:：]\s*(?P<value>.*?)(?=\s*(?:[|｜]\s*)?(?:{META_LABELS})\s*[:：]|$)")
_DATE_VALUE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_PUBLISHED_LABELS = ("发布日期", "发布时间", "发表时间", "发表日期", "日期", "时间", "公布日期", "公开日期", "印发日期")


def read_fields(line: str) -> LineFields:
    """The publication date, outlet and author a META line states (empty when it does not)."""
    form = _INNER_SPACE.sub("", matching_form(line))
    published = outlet = author = title = ""
    for match in _FIELD.finditer(form):
        label, value = match.group("label").replace(" ", ""), match.group("value").strip(" |｜")
        date = _DATE_VALUE.search(value)
        if label in _PUBLISHED_LABELS and date and not published:
            published = _iso(date)
        elif label in ("来源", "来源于", "信息来源", "文章来源", "稿件来源", "新闻来源") and not outlet:
            outlet = _DATE_VALUE.split(value)[0].strip(" |｜") if date else value
        elif label in ("作者", "撰稿", "撰稿人") and not author:
            author = value
        elif label == "标题" and not title:
            title = value
    if not published:
        date = _DATE_VALUE.search(form)
        if date and (DATE_LINE.match(form) or _DATE_THEN_FIELDS.match(form) or _FIELDS_THEN_DATE.match(form)):
            published = _iso(date)
    return LineFields(published, outlet[:30], author[:30], title)


def _iso(date: re.Match) -> str:
    return f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"


def is_label_only(line: str) -> bool:
    """`索 引 号：` alone on its line: the value is on the next line (a 政务公开 table)."""
    form = re.sub(r"\s+", "", matching_form(line))
    return bool(re.fullmatch(rf"(?:{META_LABELS})[:：]", form))


__all__ = ["LineFields", "LineKind", "classify", "cjk_count", "is_label_only", "is_meta",
           "matching_form", "read_fields"]
