"""The search index's file format, declared once.

Everything under a site's `search/` folder is described here: the files and their paths, the
fields of a shard entry's document items per kind of entry, the `where` flags, the columns of
docinfo.bin, the fields of a result line and the manifest. The writer (`grams.py`,
`word_entries.py`, `shards.py`, `files.py`) lays its bytes out by these declarations; the tests'
reference encoder and reader follow them; `docs/search.md` has a table made by `markdown()` (a
test keeps it in step); and the browser's worker decodes by them: `for_worker()` is written into
search-worker.js as its `FORMAT` constant when the site is built (`scripts.py`), and a browser
test compares the worker's decoding of a built index with a Python reading of the same bytes.

Conventions: integers in .bin files are unsigned LEB128 varints unless a column says otherwise;
files marked gzip are gzip-compressed whatever their name says (the worker inflates them; a server
that already inflated them on the way is fine too); JSON is UTF-8 without spaces; a position is a
character offset in a report's text (its title, a line break, its body), normalised
(`normalize.py`: one character for one, so offsets are those of the text shown).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from .normalize import for_worker as normalize_for_worker

FORMAT_VERSION = 5
WORD_MARK = "\t"   # starts the key of a word entry: normalised text has no tab, so no gram does
TEXT_BLOCK = 2048  # characters per text block: a snippet needs one or two blocks, not the report
META_CHUNK = 16    # result lines per chunk, for result lists that cover much of the archive
POSITIONS_PACK_BYTES = 1024  # position lists up to this size share their shard's file
BREAK_MARK = "\u2029"  # in text blocks: a break left out of matching (counts no position); never in page text
LINE_MAX_CHARS = 254   # a title or field line longer is cut: its length and line break fit a u8

# `where`, per entry and document: what ranking and snippets need without the positions.
WHERE_TITLE = 1    # the first occurrence is in the title
WHERE_HEADING = 2  # an occurrence starts in a heading line
WHERE_SHIFT = 2    # above the flags: the first position after the title + 1, or 0 if none


@dataclass(frozen=True)
class IndexFile:
    """One kind of file under search/."""

    key: str        # its name in the worker's FORMAT.files
    template: str   # its path, with {fields}
    gzip: bool
    what: str

    def path(self, **values: int) -> str:
        return self.template.format(**values)


MANIFEST = IndexFile("manifest", "manifest.json", False, "counts, sizes and the format version (`Manifest`)")
DOCINFO = IndexFile("docinfo", "docinfo.bin", True,
                    "per report, for ranking: each column (`DOCINFO_COLUMNS`) for every report, one column "
                    "after the other")
SHARD = IndexFile("shard", "g/{shard}.bin", True,
                  "the entries whose key the shard holds (`SHARD_LAYOUT`; their kinds: `ENTRY_KINDS`)")
PACKED_POSITIONS = IndexFile("packedPositions", "p/{shard}.bin", True,
                             "positions of the shard's bigrams whose positions take at most `POSITIONS_PACK_BYTES`, "
                             "one after the other in the shard's order (`POSITIONS_LAYOUT`)")
POSITIONS = IndexFile("positions", "p/{shard}-{entry}.bin", True,
                      "positions of one bigram of more bytes (entry: its place in the shard)")
TEXT = IndexFile("text", "t/{doc}-{block}.txt.gz", True,
                 "characters block × `TEXT_BLOCK` onwards of a report's text (`TEXT_LAYOUT`), UTF-8, with "
                 "`BREAK_MARK` before a character where a break was left out of matching (it counts no "
                 "position): a snippet fetches only its block(s)")
LINES_TABLE = IndexFile("linesTable", "lines.json.gz", True,
                        "every report's result line, as one list per field of `LINE_FIELDS` "
                        "(while at most the builder's lines_table_max bytes: `Manifest.lines_table`)")
LINE = IndexFile("line", "r/{doc}.json", False,
                 "one report's result line, a list of `LINE_FIELDS` (an archive without lines.json.gz)")
LINES_CHUNK = IndexFile("linesChunk", "m/{chunk}.json.gz", True,
                        "the result lines of reports chunk × `META_CHUNK` onwards, a list of lines "
                        "(an archive without lines.json.gz, for result lists that cover much of a chunk)")
FACETS = IndexFile("facets", "facets.json", False,
                   "for the search page: `{\"regions\": [region paths, each level of each report's region: "
                   "湖南省, 湖南省常德市, …], \"topics\": [names], \"docs\": [per report [year or 0, [its region's "
                   "levels' places, province first], [its topics' places]]]}`")
T2S = IndexFile("t2s", "t2s.json.gz", True,
                "traditional → simplified, one character for one, for queries typed in traditional")
FILES = (MANIFEST, DOCINFO, SHARD, PACKED_POSITIONS, POSITIONS, TEXT, LINES_TABLE, LINE, LINES_CHUNK, FACETS, T2S)


@dataclass(frozen=True)
class Field:
    name: str   # as the worker names it
    what: str


@dataclass(frozen=True)
class Column:
    """A column of docinfo.bin: one value per report."""

    name: str
    type: str   # "u8", "u16" or "u32" (little-endian)
    what: str
    code: str = ""  # how a value is stored, if not as itself: a key of `COLUMN_CODES`


# Ranking needs a report's length only to within a few per cent, and its year only to order two
# results: one byte each instead of six (a 10,000-report docinfo.bin: 53 KB → 36 KB gzipped).
LENGTH_STEPS = 16   # length codes per doubling: below 2 × LENGTH_STEPS a code is the length itself
YEAR_BASE = 1800    # a year is stored as year − YEAR_BASE, clipped to 1–255; 0 is unknown
COLUMN_CODES = {
    "length": f"a length n < {2 * LENGTH_STEPS} is stored as n; above, the largest code c ≤ 255 whose value "
              f"≤ n, where c ≥ {2 * LENGTH_STEPS} stands for ({LENGTH_STEPS} + (c − {2 * LENGTH_STEPS}) mod "
              f"{LENGTH_STEPS}) × 2^(⌊(c − {2 * LENGTH_STEPS}) / {LENGTH_STEPS}⌋ + 1): {LENGTH_STEPS} steps "
              f"per doubling, up to {(2 * LENGTH_STEPS - 1) << (255 - 2 * LENGTH_STEPS) // LENGTH_STEPS + 1:,}",
    "year": f"year − {YEAR_BASE}, clipped to 1–255 (its order is what ranking uses); 0 if unknown",
}


def length_value(code: int) -> int:
    """The length a `length` code stands for."""
    if code < 2 * LENGTH_STEPS:
        return code
    doublings, steps = divmod(code - 2 * LENGTH_STEPS, LENGTH_STEPS)
    return (LENGTH_STEPS + steps) << (doublings + 1)


def length_code(n: int) -> int:
    if n < 2 * LENGTH_STEPS:
        return n
    shift = n.bit_length() - LENGTH_STEPS.bit_length()
    return min(255, 2 * LENGTH_STEPS + LENGTH_STEPS * (shift - 1) + (n >> shift) - LENGTH_STEPS)


def year_code(year: int | None) -> int:
    return min(255, max(1, year - YEAR_BASE)) if year else 0


def year_value(code: int) -> int:
    return code + YEAR_BASE if code else 0


CODED = {"length": (length_code, length_value), "year": (year_code, year_value)}  # (store, read)


# A report's text, as positions count in it: these lines, each with its line break, then the body.
TEXT_LINES = (
    Field("title", "the title"),
    Field("region", "the region's whole path (湖南省常德市石门县)"),
    Field("topics", "the topics, joined by 、"),
    Field("keywords", "the keywords, joined by 、"),
    Field("source", "where the report comes from, as its page's metadata block says"),
)
TEXT_LAYOUT = ("each line of `TEXT_LINES` (white space runs made one space, at most `LINE_MAX_CHARS` characters) "
               "and its line break, then the body: the page's text as the reader sees it, a line per block. "
               "White space between two CJK characters, a CJK character and a digit or Latin letter, and a "
               "line break between a Latin letter and a digit, is left out (`normalize.left_out_breaks`, "
               "within one line of the layout)")

COLUMN_BYTES = {"u8": 1, "u16": 2, "u32": 4}
DOCINFO_COLUMNS = (
    *(Column(f"{f.name}Length", "u8", f"the {f.name} line's length in characters with its line break")
      for f in TEXT_LINES),
    Column("length", "u8", "the text's length in characters (its lines and body), for ranking", "length"),
    Column("year", "u8", "the report's year, 0 if unknown: of two results that rank alike, the newer first", "year"),
)
LINE_FIELDS = (
    Field("url", "the report page's URL, from the site's root"),
    Field("title", "the title"),
    Field("year", "the year, 0 if unknown"),
    Field("region", "the region, as the page shows it; empty if none"),
)

DOC = Field("doc", "the document's id less the previous document's in the entry (the first: its id)")
COUNT = Field("count", "the key's occurrences in the document, as a string")
WHERE = Field("where", "(the first position after the title + 1, or 0) × 2 ** `WHERE_SHIFT`, + `WHERE_HEADING` if an "
                       "occurrence starts in a heading line, + `WHERE_TITLE` if the first is in the title")
WHOLE = Field("whole", "the word's occurrences in the document as a whole jieba word")
POSITION_BYTES = Field("positionBytes", "the byte length of the bigram's positions")


@dataclass(frozen=True)
class EntryKind:
    """A kind of shard entry: which keys are of it, and what each of its document items holds."""

    name: str
    word: bool                 # the key is WORD_MARK, then the word; else the gram itself
    least: int                 # characters of the gram or word, at least
    most: int | None           # and at most (None: no limit)
    item: tuple[Field, ...]    # per document, in this order; DOC first
    after: tuple[Field, ...]   # after the document list
    what: str

    def __post_init__(self) -> None:
        assert self.item[0] is DOC, "a document item starts with its document"

    def holds(self, key: str) -> bool:
        chars = len(key) - 1 if self.word else len(key)
        return (key.startswith(WORD_MARK) == self.word and self.least <= chars
                and (self.most is None or chars <= self.most))


UNIGRAM = EntryKind("unigram", False, 1, 1, (DOC, COUNT), (),
                    "a character (not the space): the documents that contain it")
BIGRAM = EntryKind("bigram", False, 2, 2, (DOC, COUNT, WHERE), (POSITION_BYTES,),
                   "two neighbouring characters (not two spaces), with positions in p/")
SHORT_WORD = EntryKind("shortWord", True, 2, 2, (DOC, WHOLE), (),
                       "a jieba word of two characters, in its own bigram's shard: the documents where it is a "
                       "whole word at least once")
EXACT_WORD = EntryKind("exactWord", True, 3, None, (DOC, COUNT, WHERE, WHOLE), (),
                       "a jieba word of three or more characters, or a frequent compound of two (never a whole "
                       "word), in the shard of its least frequent bigram: every document that contains it as a "
                       "string, so a query for it needs no positions")
ENTRY_KINDS = (UNIGRAM, BIGRAM, SHORT_WORD, EXACT_WORD)

SHARD_LAYOUT = ("the number of entries; then per entry: its key's length in UTF-8 bytes, the key, its number of "
                "documents, per document (ascending) the fields of its kind's item, then its kind's fields after "
                "the list. Grams first, in string order, then word entries, in string order. A gram is in shard "
                "fnv1a(UTF-8 of the gram) % `Manifest.shards`; a word entry in the shard of one of its bigrams.")
POSITIONS_LAYOUT = ("per document of the bigram's entry, in its order: its occurrences' positions, each less the "
                    "previous one (the first less 0)")


def entry_kind(key: str) -> EntryKind:
    for kind in ENTRY_KINDS:
        if kind.holds(key):
            return kind
    raise ValueError(f"search index: no kind of entry has the key {key!r}")


@dataclass(frozen=True)
class Delta:
    """What the site's manifest says of a delta index (written by `builder.py`)."""

    dir: str              # its folder under search/: the same files, for the reports added or edited
    docs: int             # its reports, numbered after the base's
    removed: list[int]    # the base's reports that are gone (or edited)


def _json_name(name: str, what: str) -> dict:
    return {"json": name, "what": what}


@dataclass(frozen=True)
class Manifest:
    """manifest.json. A site's top-level manifest may name a delta index as well."""

    version: int = field(metadata=_json_name("version", "`FORMAT_VERSION`"))
    docs: int = field(metadata=_json_name("docs", "reports"))
    shards: int = field(metadata=_json_name("shards", "number of g/ files (a power of two)"))
    meta_chunk: int = field(metadata=_json_name("metaChunk", "`META_CHUNK`"))
    text_block: int = field(metadata=_json_name("textBlock", "`TEXT_BLOCK`"))
    pack_bytes: int = field(metadata=_json_name("packBytes", "`POSITIONS_PACK_BYTES`"))
    lines_table: bool = field(metadata=_json_name("linesTable", "whether lines.json.gz is there (else r/, m/)"))
    avg_length: float = field(metadata=_json_name("avgLength", "the reports' mean text length, in characters"))
    delta: Delta | None = field(default=None, metadata=_json_name(
        "delta", "a delta index, or absent: `{\"dir\": its folder, \"docs\": its reports (numbered after the base's), "
                 "\"removed\": [the base's reports that are gone]}`"))

    def to_json(self) -> bytes:
        value = {f.metadata["json"]: getattr(self, f.name) for f in fields(self)}
        if self.delta is None:
            del value["delta"]
        else:
            value["delta"] = {"dir": self.delta.dir, "docs": self.delta.docs, "removed": self.delta.removed}
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> Manifest:
        value = json.loads(data)
        known = {f.metadata["json"]: f.name for f in fields(cls)}
        unknown = set(value) - set(known)
        if unknown:
            raise ValueError(f"search index: manifest.json has fields this format does not know: {sorted(unknown)}")
        args = {known[k]: v for k, v in value.items()}
        if args.get("delta") is not None:
            args["delta"] = Delta(**args["delta"])
        return cls(**args)


def fnv1a(key: str) -> int:
    """32-bit FNV-1a over UTF-8 bytes: a gram's shard is fnv1a(gram) % shards."""
    h = 0x811C9DC5
    for byte in key.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def varint(n: int, out: bytearray) -> None:
    """Appends n as an unsigned LEB128 varint."""
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def for_worker() -> dict:
    """The format as search-worker.js decodes by it (its FORMAT constant), with the query
    normalisation that must match the index's (`normalize.for_worker`)."""
    return {
        "version": FORMAT_VERSION,
        "wordMark": WORD_MARK,
        "breakMark": BREAK_MARK,
        "textLines": [f.name for f in TEXT_LINES],
        "normalize": normalize_for_worker(),
        "where": {"title": WHERE_TITLE, "heading": WHERE_HEADING, "shift": WHERE_SHIFT},
        "files": {f.key: f.template for f in FILES},
        "kinds": [{"name": k.name, "word": k.word, "least": k.least, "most": k.most,
                   "item": [f.name for f in k.item], "after": [f.name for f in k.after]} for k in ENTRY_KINDS],
        "docinfo": [{"name": c.name, "type": c.type, "code": c.code} for c in DOCINFO_COLUMNS],
        "codes": {"lengthSteps": LENGTH_STEPS, "yearBase": YEAR_BASE},
        "line": [f.name for f in LINE_FIELDS],
    }


def markdown() -> str:
    """Tables of the format, for docs/search.md."""
    def row(*cells: str) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    def key_of(kind: EntryKind) -> str:
        chars = (f"{kind.least}" if kind.most == kind.least else f"{kind.least}+" if kind.most is None
                 else f"{kind.least}–{kind.most}")
        return f"{'tab + ' if kind.word else ''}{chars} character{'' if chars == '1' else 's'}"

    lines = [f"Format {FORMAT_VERSION}, declared in `reform_archive/search/format.py` (this section is made from it).",
             "", row("file", "gzip", "what"), row("---", "---", "---")]
    lines += [row(f"`{f.template}`", "yes" if f.gzip else "", f.what) for f in FILES]
    lines += ["", f"A shard: {SHARD_LAYOUT}", "",
              row("entry", "key", "per document", "after the documents", "what"), row(*["---"] * 5)]
    lines += [row(k.name, key_of(k), ", ".join(f.name for f in k.item), ", ".join(f.name for f in k.after), k.what)
              for k in ENTRY_KINDS]
    lines += ["", row("field", "what"), row("---", "---")]
    lines += [row(f.name, f.what) for f in (DOC, COUNT, WHERE, WHOLE, POSITION_BYTES)]
    lines += ["", f"Positions: {POSITIONS_LAYOUT}.", ""]
    lines += [f"A report's text: {TEXT_LAYOUT}.", "", row("text line", "what"), row("---", "---")]
    lines += [row(f.name, f.what) for f in TEXT_LINES]
    lines += ["", row("docinfo.bin column", "type", "what"), row("---", "---", "---")]
    lines += [row(c.name, c.type + (f", code `{c.code}`" if c.code else ""), c.what) for c in DOCINFO_COLUMNS]
    for name, what in COLUMN_CODES.items():
        lines += ["", f"Code `{name}`: {what}."]
    lines += ["", row("result line field", "what"), row("---", "---")]
    lines += [row(f.name, f.what) for f in LINE_FIELDS]
    lines += ["", row("manifest.json", "what"), row("---", "---")]
    lines += [row(f.metadata["json"], f.metadata["what"]) for f in fields(Manifest)]
    lines += ["", f"Constants: WORD_MARK tab, BREAK_MARK U+2029, LINE_MAX_CHARS {LINE_MAX_CHARS}, "
                  f"TEXT_BLOCK {TEXT_BLOCK}, META_CHUNK {META_CHUNK}, "
                  f"POSITIONS_PACK_BYTES {POSITIONS_PACK_BYTES}, WHERE_TITLE {WHERE_TITLE}, "
                  f"WHERE_HEADING {WHERE_HEADING}, WHERE_SHIFT {WHERE_SHIFT}."]
    return "\n".join(lines) + "\n"
