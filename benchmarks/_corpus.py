"""The reports the search benchmarks index, and the ground truth they are judged against.

* `load_documents()` reads the repository's seed (`reports/*.md`) and, when it is there,
  `../shared/corpus` (or `$REFORM_ARCHIVE_CORPUS`): plain-text government reports listed in
  `manifest.jsonl`.
* `write_reports()` writes them as report files (YAML front matter + Markdown body) into a
  folder that `reform-archive build --reports DIR` reads.
* `matching_documents()` is the ground truth: a document matches a query iff every
  space-separated part of the query (quotes stripped) is a substring of its title + body, both
  normalised the same way (NFKC, lower case, traditional → simplified with OpenCC `t2s`).
* `synthetic_documents()` makes archives of any size from the real paragraphs, for the scale
  benchmark.

Nothing here depends on MkDocs or on the engines; it is plain Python over the texts.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO / "reports"
# ../shared/corpus beside the repository; REFORM_ARCHIVE_CORPUS names another place (a git
# worktree elsewhere has no ../shared).
CORPUS_DIR = Path(os.environ.get("REFORM_ARCHIVE_CORPUS")
                  or Path(__file__).resolve().parents[1].parent / "shared" / "corpus")

_FENCE = re.compile(r"^---[ \t]*$", re.M)
# Markdown backslash escapes (`20\*年`): the reader and the search engines see the character.
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_QUOTES = str.maketrans("", "", "\"“”")


@dataclass(frozen=True)
class Document:
    """One report, whatever its origin.

    `key` identifies it in every engine's results (seed/…, corpus/…, syn/…); `file_name` is its
    report file in the archive's reports folder; `source_text`, when set, is written verbatim
    (the seed's own files), otherwise the file is made from `front_matter` and `body`."""

    key: str
    title: str
    body: str
    year: int | None = None
    region: str = ""
    file_name: str = ""
    front_matter: dict = field(default_factory=dict, compare=False, hash=False)
    source_text: str | None = None

    @property
    def searchable_text(self) -> str:
        """What the ground truth searches: the title and the body, as a reader sees them."""
        return _MD_ESCAPE.sub(r"\1", self.title + "\n" + self.body)

    def report_file_text(self) -> str:
        if self.source_text is not None:
            return self.source_text
        meta = yaml.safe_dump(self.front_matter, allow_unicode=True, sort_keys=False, width=1000)
        return f"---\n{meta}---\n\n{self.body.strip()}\n"


# --- loading -----------------------------------------------------------------------------------

def _split_front_matter(text: str) -> tuple[dict, str]:
    fences = list(_FENCE.finditer(text))
    if not text.startswith("---") or len(fences) < 2:
        return {}, text
    meta = yaml.safe_load(text[fences[0].end():fences[1].start()]) or {}
    return meta, text[fences[1].end():].strip("\n")


def load_seed(seed_dir: Path = SEED_DIR) -> list[Document]:
    """The repository's reports: every `*.md` outside `_`-prefixed folders, written back
    unchanged."""
    docs = []
    for path in sorted(seed_dir.rglob("*.md")):
        rel = path.relative_to(seed_dir)
        if any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        text = path.read_text(encoding="utf-8-sig")
        meta, body = _split_front_matter(text)
        year = meta.get("year")
        docs.append(Document(
            key=f"seed/{rel.as_posix()}", title=str(meta.get("title") or path.stem), body=body,
            year=int(year) if isinstance(year, int) else None, region=str(meta.get("region") or ""),
            file_name=rel.as_posix(), front_matter=meta, source_text=text))
    return docs


def load_corpus(corpus_dir: Path = CORPUS_DIR) -> list[Document]:
    """The shared corpus: one document per manifest line, with the manifest's title, year and
    region as front matter and the text, unchanged, as the body."""
    docs = []
    manifest = corpus_dir / "manifest.jsonl"
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        rel = Path(entry["file"])
        body = (corpus_dir / rel).read_text(encoding="utf-8").strip()
        front = {"title": entry["title"], "year": entry.get("year"), "region": entry.get("region") or ""}
        docs.append(Document(
            key=f"corpus/{rel.with_suffix('').as_posix()}", title=entry["title"], body=body,
            year=entry.get("year"), region=entry.get("region") or "",
            file_name=f"{rel.parent.as_posix().replace('/', '-')}-{rel.stem}.md", front_matter=front))
    return docs


def load_documents(*, with_corpus: bool = True) -> tuple[list[Document], str]:
    """Seed + corpus, and a sentence saying what was loaded (or what was fallen back to)."""
    seed = load_seed()
    if not with_corpus:
        return seed, f"seed only ({len(seed)} reports from {SEED_DIR}), as asked"
    if not (CORPUS_DIR / "manifest.jsonl").is_file():
        return seed, (f"corpus NOT FOUND at {CORPUS_DIR}: falling back to the seed only "
                      f"({len(seed)} reports)")
    corpus = load_corpus()
    return seed + corpus, (f"seed ({len(seed)} reports) + corpus ({len(corpus)} texts from "
                           f"{CORPUS_DIR}) = {len(seed) + len(corpus)} reports")


def write_reports(docs: list[Document], reports_dir: Path) -> Path:
    reports_dir.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        path = reports_dir / doc.file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc.report_file_text(), encoding="utf-8")
    return reports_dir


# --- ground truth ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc  # opencc-python-reimplemented
    except ImportError:
        print("benchmarks: OpenCC (pip install opencc-python-reimplemented==0.1.7) is not "
              "installed: the ground truth does NOT convert traditional characters",
              file=sys.stderr)
        return None
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC (full-width digits and Latin → ASCII), traditional → simplified, lower case."""
    text = unicodedata.normalize("NFKC", text)
    converter = _t2s()
    if converter is not None:
        text = converter.convert(text)
    return text.lower()


def query_parts(query: str) -> list[str]:
    """The parts a document must all contain: split on white space, quotes removed."""
    return [normalize(p) for p in query.translate(_QUOTES).split() if p]


class GroundTruth:
    """Normalised texts of the documents, searched by plain substring tests."""

    def __init__(self, docs: list[Document]):
        self.texts = {d.key: normalize(d.searchable_text) for d in docs}

    def matching(self, query: str) -> set[str]:
        parts = query_parts(query)
        if not parts:
            return set()
        return {key for key, text in self.texts.items() if all(p in text for p in parts)}


# --- queries -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    text: str
    category: str


def load_queries(path: Path) -> list[Query]:
    """One query per line; `#` starts a comment; a comment line `# [name]` starts a category."""
    queries, category = [], "misc"
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            m = re.match(r"#\s*\[([^\]]+)\]", line)
            if m:
                category = m.group(1).strip()
            continue
        queries.append(Query(line, category))
    return queries


# --- synthetic archives ------------------------------------------------------------------------

_CLAUSE_END = re.compile(r"[，。；：！？、,.;:!?（(——\s]")
MIN_PARAGRAPH_CHARS = 15


def paragraph_pool(docs: list[Document]) -> list[str]:
    """Every paragraph (non-empty line) of the documents' bodies with at least
    MIN_PARAGRAPH_CHARS characters, heading marks stripped: page chrome such as `下载`/`打印`
    lines is too short to count."""
    pool = []
    for doc in docs:
        for line in doc.body.splitlines():
            text = _MD_ESCAPE.sub(r"\1", line).strip().lstrip("#>").strip()
            if len(text) >= MIN_PARAGRAPH_CHARS:
                pool.append(text)
    return pool


def _title_from(paragraph: str) -> str:
    clause = _CLAUSE_END.split(paragraph, maxsplit=1)[0].strip()
    if len(clause) < 4:
        clause = paragraph[:20]
    return clause[:40]


def synthetic_documents(count: int, pool: list[str], regions: list[str], *, seed: int = 20240601,
                        paragraphs: tuple[int, int] = (20, 60),
                        years: tuple[int, int] = (1990, 2025)) -> list[Document]:
    """`count` reports of random real paragraphs (a seeded RNG, so the same archive every
    run): the title is the first paragraph's first clause, the year uniform in `years`, the
    region drawn from `regions`."""
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        paras = rng.sample(pool, rng.randint(*paragraphs))
        title = _title_from(paras[0])
        year = rng.randint(*years)
        region = rng.choice(regions)
        body = "\n\n".join(paras)
        docs.append(Document(
            key=f"syn/{i:05d}", title=title, body=body, year=year, region=region,
            file_name=f"syn-{i:05d}.md",
            front_matter={"title": title, "year": year, "region": region}))
    return docs


def corpus_regions(docs: list[Document]) -> list[str]:
    regions = sorted({d.region for d in docs if d.region})
    return regions or ["全国"]


# --- ground truth from the pages as a reader sees them (issue 13) ------------------------------
#
# What a reader sees of a report on our site: its title, the values of its metadata block
# (地区 region, 主题 topics, 关键词 keywords, 来源 source) and its body, read from the built page
# with lxml (not with the archive's own text extraction, and never from its index). A match
# never spans two of these pieces. The query syntax, as docs/search.md states it: parts split on
# white space; ASCII "…" around a whole part is a phrase; every other quotation mark is a
# character, the forms of a kind alike (“” 「」 "" ＂＂; ‘’ 『』 ''; 〈〉 《》). A break inside a
# sentence is no break: white space between two Chinese characters (or CJK punctuation), or a
# Chinese character and a digit or Latin letter, and a line break between a Latin letter and a
# digit, are ignored, in the text and in a phrase alike.

_META_SEARCHED = ("地区", "主题", "关键词", "来源")
_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "br", "dd", "dt",
               "blockquote", "pre", "table", "ul", "ol", "section", "article"}
_QUOTE_FORMS = {**dict.fromkeys("“”„‟「」〝〞〟＂\"", '"'), **dict.fromkeys("‘’‛『』＇'", "'"),
                "〈": "《", "〉": "》"}
_CJK = "[\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_SENTENCE_BREAK = re.compile(rf"(?<={_CJK})[ \n]+(?={_CJK}|[0-9a-z])|(?<=[0-9a-z])[ \n]+(?={_CJK})"
                             rf"|(?<=[a-z]) *\n[ \n]*(?=[0-9])|(?<=[0-9]) *\n[ \n]*(?=[a-z])")


def reader_pieces(page_html: str) -> list[str]:
    """A report page's title, searched metadata values and body, as the reader sees them."""
    import lxml.html

    root = lxml.html.fromstring(page_html)
    article = root.find(".//article")
    if article is None:
        raise ValueError("no <article> in the page")
    for el in article.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " headerlink ")]'
                            ' | .//*[contains(concat(" ", normalize-space(@class), " "), " ra-versions ")]'
                            ' | .//*[contains(concat(" ", normalize-space(@class), " "), " ra-related ")]'
                            ' | .//*[contains(concat(" ", normalize-space(@class), " "), " ra-cite ")]'
                            ' | .//script | .//style'):
        el.drop_tree()
    pieces = []
    title = article.find(".//h1")
    if title is not None:
        pieces.append(title.text_content())
        title.drop_tree()
    for meta in article.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " ra-report-meta ")]'):
        for dt in meta.iter("dt"):
            dd = dt.getnext()
            if dt.text_content().strip() in _META_SEARCHED and dd is not None:
                pieces.append(dd.text_content())
        meta.drop_tree()
    for el in article.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    pieces.append(article.text_content())
    return pieces


def _reader_normalize(text: str) -> str:
    """NFKC, traditional → simplified, lower case, quotation marks of a kind alike, white space
    as one space or one line break; then the breaks inside a sentence left out."""
    text = "".join(_QUOTE_FORMS.get(c, c) for c in text)
    text = normalize(text)
    text = "".join(_QUOTE_FORMS.get(c, c) for c in text)
    text = re.sub(r"\s+", lambda m: "\n" if "\n" in m.group(0) else " ", text)
    return _SENTENCE_BREAK.sub("", text)


def reader_query_parts(query: str) -> list[str]:
    parts = []
    for m in re.finditer(r'(?<!\S)"([^"]*)"(?!\S)|(\S+)', query):
        part = _reader_normalize(m.group(1) if m.group(1) is not None else m.group(2)).strip()
        if part:
            parts.append(part)
    return parts


class ReaderTruth:
    """The ground truth over the pieces of each report a reader sees (`reader_pieces`)."""

    def __init__(self, pieces: dict[str, list[str]]):
        self.pieces = {key: [_reader_normalize(p) for p in ps] for key, ps in pieces.items()}

    def matching(self, query: str) -> set[str]:
        parts = reader_query_parts(query)
        if not parts:
            return set()
        return {key for key, ps in self.pieces.items() if all(any(p in piece for piece in ps) for p in parts)}
