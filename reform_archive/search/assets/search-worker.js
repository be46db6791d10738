/* reform-archive search worker.
 *
 * Speaks Material for MkDocs' search-worker protocol, so Material's header search box, result
 * list and ?h= highlighting stay as they are, while the matching is ours: every space-separated
 * part of the query (or "quoted phrase") must occur in the report as a string. Postings are
 * character bigrams with positions, fetched shard by shard, so a query downloads only what it
 * needs; the files and their layout are declared in reform_archive/search/format.py, written in
 * below as FORMAT, and decoded by it.
 *
 * The same file serves the search page (search-ui.js), which asks for all matches with their
 * facets.
 *
 * The index may come in two segments (search/builder.py): the base, and under delta/ the reports
 * added or edited since the base was built, with `manifest.delta.removed` naming the base's
 * reports that are gone. Each segment is searched on its own (its own shards, positions, lines
 * and texts, in its own document ids); results are merged in global ids, the delta's after the
 * base's, and ranked together.
 */
"use strict";

/* --- messages --------------------------------------------------------------------------------
 * Material's header search speaks numbers (its SearchMessageType), in `type`; the search page
 * (search-ui.js) speaks names, in `kind`, with an `id` that its reply carries back. Every request
 * is answered, a failed one too, and only the newest request of its kind is: keys arrive one by
 * one (2, 20, 200, 2006) and answers finish out of order.
 *
 *   SETUP          0  Material → worker  { type, data }: Material's own index, unused (ours is
 *                                         under search/); the worker loads its index
 *   READY          1  worker → Material  { type, error? }: queries may come. Sent as well when the
 *                                         index failed to load (`error` says why): Material sends
 *                                         no query before READY, and each query loads it again
 *   QUERY          2  Material → worker  { type, data: the query }
 *   RESULT         3  worker → Material  { type, data: { items } }: the list, possibly twice
 *                                         (before and with the snippets); a failed query gets
 *                                         an empty list, and a QUERY_ERROR note says why
 *   FACETS            page → worker      { kind, id, query }: every match (every report for an
 *                                         empty query), with its result line and facets
 *   FACETS_RESULT     worker → page      { kind, id, data: { query, parts, results, suggestion } }
 *   FACETS_ERROR      worker → page      { kind, id, error }
 *   SNIPPETS          page → worker      { kind, id, query, docs }: the snippets of those results
 *   SNIPPETS_RESULT   worker → page      { kind, id, snippets: [html per doc] }
 *   SNIPPETS_ERROR    worker → page      { kind, id, error }
 *   SUGGESTION        worker → pages     { kind, query, total, suggestion }  } on the BroadcastChannel
 *   QUERY_ERROR       worker → pages     { kind, query, error }              } CHANNEL, after a
 *     header query: Material's protocol has no room for them; search-ui.js shows them under
 *     Material's result count.
 */
const Message = Object.freeze({
  SETUP: 0, READY: 1, QUERY: 2, RESULT: 3,
  FACETS: "facets", FACETS_RESULT: "facets-result", FACETS_ERROR: "facets-error",
  SNIPPETS: "snippets", SNIPPETS_RESULT: "snippets-result", SNIPPETS_ERROR: "snippets-error",
  SUGGESTION: "suggestion", QUERY_ERROR: "query-error",
});
const CHANNEL = "reform-archive-search";

/* The index format, as reform_archive/search/format.py declares it: written in here when the
 * site is built (search/scripts.py). */
const FORMAT = "__REFORM_ARCHIVE_INDEX_FORMAT__";
if (typeof FORMAT !== "object") throw new Error("search-worker.js: no index format written in (reform-archive's build does)");
const KIND = Object.fromEntries(FORMAT.kinds.map(kind =>
  [kind.name, { ...kind, positioned: kind.after.includes("positionBytes") }]));
const KINDS = Object.values(KIND);
for (const name of ["unigram", "bigram", "shortWord", "exactWord"])   // the kinds whose meaning the worker knows
  if (!KIND[name]) throw new Error(`search-worker.js: the index format has no entry kind ${name}`);
const { title: IN_TITLE, heading: IN_HEADING, shift: FIRST_SHIFT } = FORMAT.where;
const COLUMN_TYPES = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array };
/* docinfo columns stored as a code (format.py COLUMN_CODES) are held decoded, in a wider array. */
const { lengthSteps: STEPS, yearBase: YEAR_BASE } = FORMAT.codes;
const CODES = {
  length: { held: Uint32Array, value: c => c < 2 * STEPS ? c : (STEPS + (c - 2 * STEPS) % STEPS) * 2 ** (Math.floor((c - 2 * STEPS) / STEPS) + 1) },
  year: { held: Uint16Array, value: c => c ? c + YEAR_BASE : 0 },
};
for (const { name, code } of FORMAT.docinfo)
  if (code && !CODES[code]) throw new Error(`search-worker.js: docinfo column ${name} has a code it does not know: ${code}`);
const heldType = ({ type, code }) => code ? CODES[code].held : COLUMN_TYPES[type];
/* The lines before a report's body (title, region, topics, …: FORMAT.textLines), as a result
 * shows a match in one of them, and each one's weight in ranking. */
const LINE_LABELS = { title: "标题", region: "地区", topics: "主题", keywords: "关键词", source: "来源" };
const FIELD_BOOST = { region: 2, topics: 2, keywords: 1.5, source: 0.5 };
/* A file's path under a segment's folder: FORMAT.files[name] with its {fields} filled in. */
const filePath = (name, values = {}) => FORMAT.files[name].replace(/\{(\w+)\}/g, (_, field) => values[field]);

const MAX_ITEMS = 200;          // results listed in the header search; the rest on /find/
const SNIPPETS = 10;            // first results that get a text snippet
const WINDOWS = 3;              // snippet windows at most: one per part of the query, where they are apart
const K1 = 1.2, B = 0.75, TITLE_BOOST = 2.5, HEADING_BOOST = 1, WORD_BOOST = 1;
/* Snippet text comes after the result list, and a browser opens only a few connections per
 * server (six in Chromium): text blocks are fetched at most TEXT_FETCHES at a time, so the next
 * query's document lists never queue behind the last query's snippets. */
const TEXT_FETCHES = 2;

const base = new URL("../../search/", self.location.href);  // worker: assets/reform-archive/
const channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel(CHANNEL) : null;
const utf8 = new TextDecoder();

/* Everything the worker keeps between messages. */
const state = {
  segments: null,     // Promise of the index's segments (`loadSegments`); null before, and after a failure
  index: null,        // Promise of the loaded index (`loadIndex`); null before, and after a failure
  latest: {},         // per request kind: the number of its newest request, the only one answered
  t2s: null,          // Promise of the traditional → simplified table, fetched when a query needs it
  texts: new Map(),   // path of a text block -> Promise of its text, then its text
  textFetches: { running: 0, waiting: [] },   // text blocks being fetched, and those in line
};

/* --- answering messages --- */
/* Per request kind: its answer, and what to say when that fails. `reply` posts to the page and
 * `note` to the channel, both only while the request is the newest of its kind. */
const REQUESTS = {
  [Message.SETUP]: {
    // Ready once the manifests are in: a query's shards need nothing more, and docinfo.bin
    // (ranking's lengths) comes beside them rather than one round before the first keystroke.
    answer: async (message, reply) => { await segmentsReady(); setup().catch(() => {}); reply({ type: Message.READY }); },
    failed: (message, error, reply) => reply({ type: Message.READY, error }),
  },
  [Message.QUERY]: {
    async answer(message, reply, note) {
      const query = message.data;
      const { index, items, parts, total } = await materialResult(query, data => reply({ type: Message.RESULT, data }));
      reply({ type: Message.RESULT, data: { items } });
      const suggest = total === 0 && parts.length ? await suggestion(index, parts) : null;
      note({ kind: Message.SUGGESTION, query, total, suggestion: suggest });
    },
    failed(message, error, reply, note) {
      reply({ type: Message.RESULT, data: { items: [] } });
      note({ kind: Message.QUERY_ERROR, query: message.data, error });
    },
  },
  [Message.FACETS]: {
    answer: async (message, reply) =>
      reply({ kind: Message.FACETS_RESULT, id: message.id, data: await facetResult(message.query) }),
    failed: (message, error, reply) => reply({ kind: Message.FACETS_ERROR, id: message.id, error }),
  },
  [Message.SNIPPETS]: {
    answer: async (message, reply) =>
      reply({ kind: Message.SNIPPETS_RESULT, id: message.id, snippets: await snippetsOf(message.query, message.docs) }),
    failed: (message, error, reply) => reply({ kind: Message.SNIPPETS_ERROR, id: message.id, error }),
  },
};

self.addEventListener("message", async event => {
  const message = event.data;
  const kind = message.kind ?? message.type;
  const request = REQUESTS[kind];
  if (!request) return;
  const seq = state.latest[kind] = (state.latest[kind] || 0) + 1;
  const newest = () => seq === state.latest[kind];
  const reply = data => { if (newest()) self.postMessage(data); };
  const note = data => { if (newest() && channel) channel.postMessage(data); };
  try {
    await request.answer(message, reply, note);
  } catch (error) {
    console.error("reform-archive search:", error);
    request.failed(message, String(error && error.message || error), reply, note);
  }
});

/* --- the index's files --- */
/* A file of the index as bytes. Index files are gzip-compressed (the benchmark's and most static
 * servers send them as they are); a server that decompressed on the way is fine too. */
async function fetchBytes(path) {
  const response = await fetch(new URL(path, base));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 8) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
const fetchJSON = async path => JSON.parse(utf8.decode(await fetchBytes(path)));

/* `promise`, kept in `cache` under `key` until it fails: what failed to load is asked for again
 * next time, never failed from the cache. */
function keep(cache, key, promise) {
  cache.set(key, promise);
  promise.catch(() => { if (cache.get(key) === promise) cache.delete(key); });
  return promise;
}
const kept = (cache, key, load) => cache.get(key) || keep(cache, key, load());

/* One index segment: its files under `path`, its documents numbered from `offset`. */
class Segment {
  constructor(path, manifest, offset) {
    this.path = path;
    this.manifest = manifest;
    this.offset = offset;
    this.shards = new Map();          // shard number -> Promise<Map<key, entry>> (decodeShard)
    this.packedPositions = new Map(); // shard number -> Promise<bytes of its packed positions>
    this.lines = new Map();           // local doc -> Promise<its result line>
    this.files = new Map();           // file name -> Promise<its JSON> (lines table, facets)
  }
  fetchBytes(name, values) { return fetchBytes(this.path + filePath(name, values)); }
  fetchJSON(name, values) { return fetchJSON(this.path + filePath(name, values)); }
  /* A whole-segment JSON file (the table of every result line, facets), fetched once. */
  json(name) { return kept(this.files, name, () => this.fetchJSON(name)); }
}

function segmentsReady() {
  if (!state.segments) state.segments = loadSegments().catch(error => { state.segments = null; throw error; });
  return state.segments;
}

function setup() {
  if (!state.index) state.index = segmentsReady().then(loadIndex).catch(error => { state.index = null; throw error; });
  return state.index;
}

/* The base's manifest (its counts), the segments (the base, then the delta if there is one) and
 * the removed base documents: what a query's shards are fetched by. */
async function loadSegments() {
  const m = await manifestOf("");
  const segments = [new Segment("", m, 0)];
  if (m.delta && m.delta.docs) segments.push(new Segment(`${m.delta.dir}/`, await manifestOf(`${m.delta.dir}/`), m.docs));
  return { manifest: m, segments, removed: new Set(m.delta ? m.delta.removed : []) };
}

/* The index: { manifest (the base's, with counts over both segments), docinfo (per global doc,
 * a column per FORMAT.docinfo column), bodyStart (per global doc, where its body starts), segments (the base, then the delta if there is one),
 * removed (global ids of base documents no longer in the archive) }. */
async function loadIndex({ manifest: m, segments, removed }) {
  const infos = await Promise.all(segments.map(s => s.fetchBytes("docinfo")));
  const total = segments.reduce((n, s) => n + s.manifest.docs, 0);
  const docinfo = {};
  for (const column of FORMAT.docinfo) docinfo[column.name] = new (heldType(column))(total);
  segments.forEach((s, k) => {
    const columns = readDocinfo(infos[k], s.manifest.docs);
    for (const name in columns) docinfo[name].set(columns[name], s.offset);
  });
  // Where each report's body starts: after its title and metadata lines.
  const bodyStart = new Int32Array(total);
  for (const name of FORMAT.textLines)
    for (let doc = 0; doc < total; doc++) bodyStart[doc] += docinfo[`${name}Length`][doc];
  let live = 0, characters = 0;
  for (let doc = 0; doc < total; doc++) if (!removed.has(doc)) { live++; characters += docinfo.length[doc]; }
  // Ranking counts the reports that are in the archive now, over both segments.
  return { manifest: { ...m, docs: live, avgLength: live ? characters / live : 0 }, docinfo, bodyStart, segments, removed };
}

async function manifestOf(path) {
  const m = await fetchJSON(path + filePath("manifest"));
  if (m.version !== FORMAT.version)
    throw new Error(`${path}${filePath("manifest")}: index format ${m.version}, this worker reads ${FORMAT.version}`);
  return m;
}

/* docinfo.bin of `n` reports: per FORMAT.docinfo column, one value per report (little-endian),
 * decoded where the column is a code. */
function readDocinfo(bytes, n) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const columns = {};
  let at = 0;
  for (const spec of FORMAT.docinfo) {
    const column = columns[spec.name] = new (heldType(spec))(n);
    const size = COLUMN_TYPES[spec.type].BYTES_PER_ELEMENT;
    const value = spec.code ? CODES[spec.code].value : c => c;
    for (let i = 0; i < n; i++)
      column[i] = value(size === 1 ? view.getUint8(at + i) : size === 2 ? view.getUint16(at + 2 * i, true) : view.getUint32(at + size * i, true));
    at += size * n;
  }
  return columns;
}

function segmentOf(index, doc) {
  const { segments } = index;
  for (let i = segments.length - 1; i > 0; i--) if (doc >= segments[i].offset) return segments[i];
  return segments[0];
}

/* --- normalisation: the same character-for-character mapping as normalize.py --- */
const QUOTE_FOLD = FORMAT.normalize.quoteFold;
const normalized = new Map();   // a memo, character -> its normalised form: titles and snippets repeat them
function normalizeChar(c) {
  let out = normalized.get(c);
  if (out === undefined) {
    let n = /\s/.test(c) ? " " : QUOTE_FOLD[c] || c.normalize("NFKC");
    if ([...n].length !== 1) n = c;
    const low = n.toLowerCase();
    out = [...low].length === 1 ? low : n;
    out = QUOTE_FOLD[out] || out;
    normalized.set(c, out);
  }
  return out;
}
function normalize(text) { return [...text].map(normalizeChar).join(""); }

/* The breaks that matching leaves out (normalize.left_out_breaks): white space between two
 * CJK characters or a CJK character and a digit or Latin letter, a line break between a Latin
 * letter and a digit. On normalised text. */
const TIGHT = "[" + FORMAT.normalize.tight.map(([a, b]) => `\\u{${a.toString(16)}}-\\u{${b.toString(16)}}`).join("") + "]";
const BREAKS = new RegExp(`(?<=${TIGHT})[ \\n]+(?=${TIGHT}|[0-9a-z])|(?<=[0-9a-z])[ \\n]+(?=${TIGHT})` +
                          `|(?<=[a-z]) *\\n[ \\n]*(?=[0-9])|(?<=[0-9]) *\\n[ \\n]*(?=[a-z])`, "gu");
const withoutBreaks = text => text.replace(BREAKS, "");

/* A query's parts, split on white space. Only ASCII "…" around a whole part makes a phrase
 * (its spaces kept, less those between Chinese characters); any other quotation mark, and an
 * ASCII one inside a part, is a character to match: `“十四五”时期` is one part. */
function parseQuery(query) {
  const parts = [];
  const re = /(?<=^|\s)"([^"]*)"(?=\s|$)|(\S+)/g;
  let m;
  while ((m = re.exec(query))) {
    const part = m[1] !== undefined ? withoutBreaks(normalize(m[1]).replace(/ +/g, " ").trim()) : normalize(m[2]);
    if (part && !parts.includes(part)) parts.push(part);
  }
  return parts;
}

/* --- postings --- */
function fnv1a(key) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function varintReader(bytes) {
  let p = 0;
  return {
    next() {
      let result = 0, shift = 0, b;
      do { b = bytes[p++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
      return result;
    },
    take(n) { const out = bytes.subarray(p, p + n); p += n; return out; },
  };
}

/* The kind of the entry with this key (FORMAT.kinds: a gram, or WORD_MARK and a word). */
function kindOf(key) {
  const word = key.startsWith(FORMAT.wordMark);
  let chars = key.length - (word ? 1 : 0);   // in code points: less one per surrogate pair
  for (let i = 0; i < key.length; i++) { const c = key.charCodeAt(i); if (c >= 0xd800 && c < 0xdc00) chars--; }
  for (const kind of KINDS)
    if (kind.word === word && chars >= kind.least && (kind.most === null || chars <= kind.most)) return kind;
  throw new Error(`search index: no kind of entry has a key of ${chars} characters`);
}

/* A shard's entries, by key: { kind, shard, index (its place in the shard), one Int32Array per
 * field of its kind's item, by the field's name (`doc`: the documents, ascending; `count`,
 * `where`, `whole`), its kind's fields after the list (a bigram's `positionBytes`), and, for a
 * bigram, where its positions are: `posOffset` in the shard's packed positions, or -1 (a file of
 * their own) }. */
function decodeShard(bytes, shardNumber, packBytes) {
  const r = varintReader(bytes);
  const entries = new Map();
  const count = r.next();
  let packedOffset = 0;
  for (let index = 0; index < count; index++) {
    const key = utf8.decode(r.take(r.next()));
    const kind = kindOf(key);
    const n = r.next();
    // Every entry has the same fields, whatever its kind (one shape for the engine to optimise).
    const entry = { kind, shard: shardNumber, index, doc: null, count: null, where: null, whole: null,
                    positionBytes: 0, posOffset: -1, positions: null };
    const columns = [];
    for (let f = 0; f < kind.item.length; f++) columns.push(entry[kind.item[f]] = new Int32Array(n));
    const docs = columns[0], width = columns.length;
    let doc = 0;
    for (let d = 0; d < n; d++) {
      doc += r.next();
      docs[d] = doc;
      for (let f = 1; f < width; f++) columns[f][d] = r.next();
    }
    for (let f = 0; f < kind.after.length; f++) entry[kind.after[f]] = r.next();
    if (kind.positioned && entry.positionBytes <= packBytes) {
      entry.posOffset = packedOffset;
      packedOffset += entry.positionBytes;
    }
    entries.set(key, entry);
  }
  return entries;
}

function shard(segment, n) {
  return kept(segment.shards, n, () => segment.fetchBytes("shard", { shard: n })
    .then(bytes => decodeShard(bytes, n, segment.manifest.packBytes)));
}

async function entryOf(segment, gram) {
  const entries = await shard(segment, fnv1a(gram) % segment.manifest.shards);
  return entries.get(gram) || null;
}

/* The word entry of `part`, if it is a word of the archive: in the shard of one of its bigrams
 * (a two-character word's own; for a longer one, the index chose), all of which the part's
 * match fetches anyway. */
async function wordEntryOf(segment, part) {
  const key = FORMAT.wordMark + part;
  for (const gram of bigrams(part)) {
    const entries = await shard(segment, fnv1a(gram) % segment.manifest.shards);
    if (entries.has(key)) return entries.get(key);
  }
  return null;
}

/* Per document of `docs` (sorted), its whole-word count in a word entry (0 where it has none). */
function wholeCountsIn(entry, docs) {
  const out = new Int32Array(docs.length);
  if (!entry) return out;
  for (let i = 0, j = 0; i < docs.length && j < entry.doc.length; i++) {
    while (j < entry.doc.length && entry.doc[j] < docs[i]) j++;
    if (entry.doc[j] === docs[i]) out[i] = entry.whole[j];
  }
  return out;
}

/* A bigram's positions, fetched (its own file, or its part of the shard's packed file) and
 * decoded on first use: { offsets (per document in `doc`), positions }. */
function positionsOf(segment, entry) {
  if (!entry.positions) {
    entry.positions = (async () => {
      let bytes;
      if (entry.posOffset >= 0) {
        const packed = await kept(segment.packedPositions, entry.shard,
                                  () => segment.fetchBytes("packedPositions", { shard: entry.shard }));
        bytes = packed.subarray(entry.posOffset, entry.posOffset + entry.positionBytes);
      } else {
        bytes = await segment.fetchBytes("positions", { shard: entry.shard, entry: entry.index });
      }
      const n = entry.doc.length, offsets = new Int32Array(n + 1);
      for (let d = 0; d < n; d++) offsets[d + 1] = offsets[d] + entry.count[d];
      const positions = new Int32Array(offsets[n]);
      const r = varintReader(bytes);
      for (let d = 0; d < n; d++) {
        let last = 0;
        for (let k = offsets[d]; k < offsets[d + 1]; k++) { last += r.next(); positions[k] = last; }
      }
      return { offsets, positions };
    })();
    entry.positions.catch(() => { entry.positions = null; });   // asked for again next time
  }
  return entry.positions;
}

function bigrams(part) {
  const chars = [...part];
  const out = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

/* Sorted ids in both sorted lists. */
function intersect(a, b) {
  if (a.length > b.length) [a, b] = [b, a];
  const out = new Int32Array(a.length);
  let n = 0;
  if (a.length * 16 < b.length) {
    let lo = 0;
    for (const value of a) {
      let hi = b.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (b[mid] < value) lo = mid + 1; else hi = mid; }
      if (lo < b.length && b[lo] === value) out[n++] = value;
    }
  } else {
    for (let i = 0, j = 0; i < a.length && j < b.length;) {
      if (a[i] === b[j]) { out[n++] = a[i]; i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
  }
  return out.subarray(0, n);
}

function contains(sorted, from, to, value) {
  let lo = from, hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === value) return true;
    if (sorted[mid] < value) lo = mid + 1; else hi = mid - 1;
  }
  return false;
}

/* Which bigrams' positions prove a match: the first, the last, and no two characters
 * uncovered in between, choosing the fewest bytes to fetch. */
function cover(entries) {
  const m = entries.length, cost = new Float64Array(m), from = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    from[i] = i === 0 ? -1 : (i >= 2 && cost[i - 2] < cost[i - 1] ? i - 2 : i - 1);
    cost[i] = entries[i].positionBytes + 1 + (i === 0 ? 0 : cost[from[i]]);
  }
  const chosen = [];
  for (let i = m - 1; i >= 0; i = from[i]) chosen.unshift(i);
  return chosen;
}

/* A match: the documents containing `part` as a string (sorted), with per document the number
 * of occurrences (`tf`) and `where` (FORMAT.where: the first occurrence after the title, whether
 * one is in a heading, whether the first is in the title). Single characters have no `where`.
 * For a part of three or more characters, "in a heading" means that each of its bigrams starts
 * in some heading line of the report (the index keeps heading flags per bigram, not per
 * position): a ranking hint, which never changes which reports match. Parts of two or more
 * characters also have `whole`: per document, the occurrences of the part as a whole jieba word. */
const NO_MATCH = { single: false, docs: new Int32Array(0), tf: new Int32Array(0), where: new Int32Array(0),
                   whole: new Int32Array(0) };

/* A match over every segment, in global ids, without the removed documents. */
async function matchPart(index, part) {
  const { segments, removed } = index;
  const found = await Promise.all(segments.map(s => matchPartIn(index, s, part)));
  if (segments.length === 1) return found[0];
  const single = found[0].single, size = found.reduce((n, m) => n + m.docs.length, 0);
  const docs = new Int32Array(size), tf = new Int32Array(size), where = single ? null : new Int32Array(size);
  const whole = single ? null : new Int32Array(size);
  let n = 0;
  found.forEach((m, k) => {
    const offset = segments[k].offset;
    for (let i = 0; i < m.docs.length; i++) {
      const doc = m.docs[i] + offset;
      if (removed.has(doc)) continue;
      docs[n] = doc; tf[n] = m.tf[i];
      if (where) { where[n] = m.where[i]; whole[n] = m.whole[i]; }
      n++;
    }
  });
  return { single, docs: docs.subarray(0, n), tf: tf.subarray(0, n), where: where ? where.subarray(0, n) : null,
           whole: whole ? whole.subarray(0, n) : null };
}

/* A match in one segment, in its own document ids. */
async function matchPartIn(index, segment, part) {
  const chars = [...part];
  if (chars.length === 1) {
    const e = await entryOf(segment, part);
    return e ? { single: true, docs: e.doc, tf: e.count, where: null } : { ...NO_MATCH, single: true };
  }
  const [entries, word] = await Promise.all([Promise.all(bigrams(part).map(gram => entryOf(segment, gram))),
                                              wordEntryOf(segment, part)]);
  if (entries.some(e => !e)) return NO_MATCH;
  // A word of three or more characters has an exact entry: no positions to fetch.
  if (word && word.kind === KIND.exactWord) return { single: false, docs: word.doc, tf: word.count, where: word.where, whole: word.whole };
  if (entries.length === 1)
    return { single: false, docs: entries[0].doc, tf: entries[0].count, where: entries[0].where,
             whole: wholeCountsIn(word, entries[0].doc) };
  let candidates = entries[0].doc;
  for (const e of entries.slice(1)) candidates = intersect(candidates, e.doc);
  if (!candidates.length) return NO_MATCH;
  const chosen = cover(entries);
  const lists = await Promise.all(chosen.map(i => positionsOf(segment, entries[i])));
  const docs = new Int32Array(candidates.length), tf = new Int32Array(candidates.length);
  const where = new Int32Array(candidates.length);
  const at = chosen.map(() => 0), every = entries.map(() => 0);
  let n = 0;
  for (const doc of candidates) {
    let anchor = 0;
    for (let j = 0; j < chosen.length; j++) {
      const list = entries[chosen[j]].doc;
      while (list[at[j]] < doc) at[j]++;
      const size = lists[j].offsets[at[j] + 1] - lists[j].offsets[at[j]];
      if (size < lists[anchor].offsets[at[anchor] + 1] - lists[anchor].offsets[at[anchor]]) anchor = j;
    }
    const title = index.docinfo.titleLength[doc + segment.offset];
    let count = 0, first = -1, firstBody = -1;
    const { offsets, positions } = lists[anchor];
    for (let k = offsets[at[anchor]]; k < offsets[at[anchor] + 1]; k++) {
      const start = positions[k] - chosen[anchor];
      if (start < 0) continue;
      let ok = true;
      for (let j = 0; j < chosen.length && ok; j++) {
        if (j === anchor) continue;
        const o = lists[j].offsets;
        ok = contains(lists[j].positions, o[at[j]], o[at[j] + 1], start + chosen[j]);
      }
      if (!ok) continue;
      if (count++ === 0) first = start;
      if (firstBody < 0 && start >= title) firstBody = start;
    }
    if (count) {
      let heading = IN_HEADING;
      entries.forEach((e, i) => {
        while (e.doc[every[i]] < doc) every[i]++;
        heading &= e.where[every[i]];
      });
      docs[n] = doc; tf[n] = count;
      where[n] = (firstBody + 1) * 2 ** FIRST_SHIFT + heading + (first < title ? IN_TITLE : 0);
      n++;
    }
  }
  // No exact entry: the part is no word of the archive, so never a whole word.
  return { single: false, docs: docs.subarray(0, n), tf: tf.subarray(0, n), where: where.subarray(0, n),
           whole: new Int32Array(n) };
}

/* --- ranking: BM25 over exact occurrences, with boosts when the match is in the title or a
 * heading, and for its occurrences as a whole word (BM25 again, over those) --- */
/* Which line of a report's text a position is in: the name of a FORMAT.textLines line, or
 * "body". */
function lineAt(docinfo, doc, position) {
  let end = 0;
  for (const name of FORMAT.textLines) {
    end += docinfo[`${name}Length`][doc];
    if (position < end) return name;
  }
  return "body";
}

/* The documents that match every part, best first: { total, ranked: [doc, score, per part its
 * first position after the title or -1] for the best `limit` of them (all when limit is 0) }.
 * A part whose first occurrence after the title is in a metadata line gets that field's boost;
 * of two results that score alike, the newer report comes first. */
function rank(index, matches, limit = 0) {
  if (!matches.length) return { total: 0, ranked: [] };
  const { manifest, docinfo } = index;
  const N = manifest.docs, avg = manifest.avgLength || 1;
  let candidates = matches[0].docs;
  for (const m of matches.slice(1)) candidates = intersect(candidates, m.docs);
  const idf = matches.map(m => Math.log(1 + (N - m.docs.length + 0.5) / (m.docs.length + 0.5)));
  const at = matches.map(() => 0);
  const n = candidates.length, scores = new Float64Array(n), firsts = new Array(n);
  for (let c = 0; c < n; c++) {
    const doc = candidates[c];
    let score = 0;
    const first = firsts[c] = new Int32Array(matches.length).fill(-1);
    const norm = 1 - B + B * docinfo.length[doc] / avg;
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i];
      while (m.docs[at[i]] < doc) at[i]++;
      const tf = m.tf[at[i]];
      score += idf[i] * (tf * (K1 + 1)) / (tf + K1 * norm);
      if (m.single) continue;
      const whole = m.whole[at[i]];
      if (whole) score += WORD_BOOST * idf[i] * (whole * (K1 + 1)) / (whole + K1 * norm);
      const where = m.where[at[i]];
      if (where & IN_TITLE) score += TITLE_BOOST * idf[i];
      if (where & IN_HEADING) score += HEADING_BOOST * idf[i];
      const firstAfterTitle = Math.floor(where / 2 ** FIRST_SHIFT) - 1;
      first[i] = firstAfterTitle;
      if (firstAfterTitle >= 0 && firstAfterTitle < index.bodyStart[doc])
        score += (FIELD_BOOST[lineAt(docinfo, doc, firstAfterTitle)] || 0) * idf[i];
    }
    scores[c] = score;
  }
  // Better score first, then the newer report, then the lower document id: a total order, so
  // results never reshuffle.
  const year = docinfo.year;
  const before = (a, b) => scores[a] > scores[b] || (scores[a] === scores[b] &&
    (year[candidates[a]] > year[candidates[b]] || (year[candidates[a]] === year[candidates[b]] && a < b)));
  let order;
  if (limit && n > limit) {
    // The best `limit` through a heap whose root is the worst kept: no sort of every match.
    const heap = new Int32Array(limit);
    let size = 0;
    const down = i => {
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let worst = i;
        if (l < size && before(heap[worst], heap[l])) worst = l;
        if (r < size && before(heap[worst], heap[r])) worst = r;
        if (worst === i) return;
        [heap[i], heap[worst]] = [heap[worst], heap[i]];
        i = worst;
      }
    };
    for (let c = 0; c < n; c++) {
      if (size < limit) {
        let i = size++;
        heap[i] = c;
        while (i > 0 && before(heap[(i - 1) >> 1], heap[i])) {
          const parent = (i - 1) >> 1;
          [heap[i], heap[parent]] = [heap[parent], heap[i]];
          i = parent;
        }
      } else if (before(c, heap[0])) {
        heap[0] = c;
        down(0);
      }
    }
    order = Array.from(heap);
  } else {
    order = Array.from({ length: n }, (_, c) => c);
  }
  order.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  return { total: n, ranked: order.map(c => [candidates[c], scores[c], firsts[c]]) };
}

/* --- what a result shows --- */
/* A result line as an object of FORMAT.line's fields (a year of 0 is none). */
function lineOf(values) {
  const line = Object.fromEntries(FORMAT.line.map((name, i) => [name, values[i]]));
  line.year = line.year || "";
  return line;
}

/* What the result lines of `docs` show: from the table of every line (loaded once), or, in an
 * archive too large for one, one small file per report, or, where a result list covers much
 * of a chunk of `metaChunk` reports, the whole chunk (fewer requests and bytes). */
async function resultLines(index, docs) {
  const { segments } = index;
  const bySegment = segments.map(() => []);
  const where = docs.map(doc => {
    const k = segments.indexOf(segmentOf(index, doc));
    bySegment[k].push(doc - segments[k].offset);
    return [k, bySegment[k].length - 1];
  });
  const found = await Promise.all(segments.map((s, k) => resultLinesIn(s, bySegment[k])));
  return where.map(([k, i]) => found[k][i]);
}

async function resultLinesIn(segment, docs) {
  if (!docs.length) return [];
  const m = segment.manifest;
  if (m.linesTable) {
    const columns = await segment.json("linesTable");
    return docs.map(doc => lineOf(columns.map(column => column[doc])));
  }
  const size = m.metaChunk, lines = segment.lines, wanted = new Map();
  for (const doc of docs) {
    if (lines.has(doc)) continue;
    const chunk = Math.floor(doc / size);
    wanted.set(chunk, (wanted.get(chunk) || 0) + 1);
  }
  for (const doc of docs) {
    if (lines.has(doc)) continue;
    const chunk = Math.floor(doc / size);
    if (wanted.get(chunk) >= size / 2) {
      const all = segment.fetchJSON("linesChunk", { chunk });
      for (let d = chunk * size; d < Math.min(m.docs, (chunk + 1) * size); d++)
        if (!lines.has(d)) keep(lines, d, all.then(list => list[d - chunk * size]));
    } else {
      keep(lines, doc, segment.fetchJSON("line", { doc }));
    }
  }
  return Promise.all(docs.map(async doc => lineOf(await lines.get(doc))));
}

/* Year, region (the path of each level, province first) and topics of a report, for the search
 * page's facets. */
async function facetsOf(index, doc) {
  const s = segmentOf(index, doc);
  const f = await s.json("facets");
  const [year, regions, topics] = f.docs[doc - s.offset];
  return { year: year || "", regions: regions.map(r => f.regions[r]), topics: topics.map(t => f.topics[t]) };
}

/* Text blocks are fetched at most TEXT_FETCHES at a time. */
async function textSlot(task) {
  const slots = state.textFetches;
  if (slots.running >= TEXT_FETCHES) await new Promise(resolve => slots.waiting.push(resolve));
  slots.running++;
  try { return await task(); } finally { slots.running--; if (slots.waiting.length) slots.waiting.shift()(); }
}
/* The paths of the text blocks that hold the characters [from, to) of a report (positions in
 * code points), and the first block's number. */
function textBlocks(index, doc, from, to) {
  const s = segmentOf(index, doc), size = s.manifest.textBlock;
  const first = Math.floor(from / size), last = Math.floor(Math.max(from, to - 1) / size);
  const keys = [];
  for (let k = first; k <= last; k++) keys.push(s.path + filePath("text", { doc: doc - s.offset, block: k }));
  return { keys, first, size };
}
/* A text as matching sees it: its characters (as written), and before which of them a break
 * was left out. `shown` carries FORMAT.breakMark where it was (text blocks); a text from
 * elsewhere (a title) has its breaks found here. */
function textView(shown, marked = true) {
  const chars = [], gaps = [];
  let gap = false;
  if (!marked) {
    const text = [...shown], flat = normalize(shown);
    const cut = new Uint8Array(text.length);
    for (const m of flat.matchAll(BREAKS)) {
      const from = [...flat.slice(0, m.index)].length;
      for (let k = 0; k < [...m[0]].length; k++) cut[from + k] = 1;
    }
    text.forEach((c, i) => { if (cut[i]) gap = true; else { chars.push(c); gaps.push(gap); gap = false; } });
    return { chars, gaps };
  }
  for (const c of shown) {
    if (c === FORMAT.breakMark) { gap = true; continue; }
    chars.push(c); gaps.push(gap); gap = false;
  }
  return { chars, gaps };
}

/* The characters [from, to) of a report's text (positions as matching counts them), fetched
 * block by block: { chars, gaps, atEnd }. A block that fails to load shows as empty, and is
 * asked for again next time. */
async function textRange(index, doc, from, to) {
  const { keys, first, size } = textBlocks(index, doc, from, to);
  const texts = state.texts;
  const blocks = keys.map(key => {
    // A block's promise, replaced by its text once it is here (see materialResult).
    if (!texts.has(key)) texts.set(key, textSlot(() => fetchBytes(key)).then(b => utf8.decode(b))
      .then(text => { texts.set(key, text); return text; }, () => { texts.delete(key); return ""; }));
    return texts.get(key);
  });
  const { chars, gaps } = textView((await Promise.all(blocks)).join(""));
  const a = from - first * size, b = to - first * size;
  return { chars: chars.slice(a, b), gaps: gaps.slice(a, b), atEnd: chars.length <= b };
}

const escapeHTML = s => s.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

/* A text view with every occurrence of the query parts in <mark>, everything else escaped; a
 * break left out of matching shows as a space (inside the mark when a match spans it). */
function highlightView({ chars, gaps }, parts) {
  const normalized = chars.map(normalizeChar);
  const marked = new Uint8Array(chars.length);
  // Code point index of each UTF-16 offset of the joined normalised text.
  const hay = normalized.join(""), at = new Int32Array(hay.length + 1).fill(-1);
  for (let i = 0, offset = 0; i < normalized.length; offset += normalized[i].length, i++) at[offset] = i;
  for (const part of parts) {
    const length = [...part].length;
    for (let index = hay.indexOf(part); index !== -1; index = hay.indexOf(part, index + 1)) {
      const start = at[index];
      if (start >= 0) for (let i = start; i < start + length && i < chars.length; i++) marked[i] = 1;
    }
  }
  let html = "", open = false;
  chars.forEach((c, i) => {
    const gap = gaps[i] && i > 0 ? " " : "";
    if (open && !(marked[i] && marked[i - 1])) { html += "</mark>"; open = false; }
    html += gap;
    if (marked[i] && !open) { html += "<mark>"; open = true; }
    html += escapeHTML(/\s/.test(c) ? " " : c);
  });
  return open ? html + "</mark>" : html;
}
/* A plain text (a title) highlighted as matching sees it. */
const highlight = (text, parts) => highlightView(textView(text, false), parts);

const BEFORE = 30, AFTER = 70;   // a window's characters before and after its part
/* A result's snippet: a match in a metadata line is shown as that field ("地区：湖南省<mark>常德市</mark>…");
 * the body is shown in one window per part of the query (parts close together share one), at
 * most WINDOWS, never the title; parts with no known position (single characters, the title
 * only) are highlighted where they fall, and a result with no window gets the body's start. */
async function snippet(index, doc, firsts, parts) {
  const { docinfo } = index;
  const body = index.bodyStart[doc];
  const fields = new Map(), starts = [];
  firsts.forEach(p => {
    if (p < 0) return;
    if (p < body) fields.set(lineAt(docinfo, doc, p), true);
    else starts.push(p);
  });
  starts.sort((a, b) => a - b);
  const windows = [];
  for (const p of starts) {
    const last = windows[windows.length - 1];
    if (last && p - BEFORE <= last[1]) last[1] = Math.max(last[1], p + AFTER);
    else windows.push([Math.max(body, p - BEFORE), p + AFTER]);
  }
  if (!windows.length) windows.push([body, body + BEFORE + AFTER]);
  const html = [];
  if (fields.size) {
    const { chars, gaps } = await textRange(index, doc, 0, body);
    let lineStart = 0;
    for (const name of FORMAT.textLines) {
      const length = docinfo[`${name}Length`][doc];
      if (fields.has(name)) {
        const view = { chars: chars.slice(lineStart, lineStart + length - 1), gaps: gaps.slice(lineStart, lineStart + length - 1) };
        html.push(`<span class="ra-field">${LINE_LABELS[name] || name}：${highlightView(view, parts)}</span>`);
      }
      lineStart += length;
    }
  }
  for (const [from, to] of windows.slice(0, WINDOWS)) {
    const view = await textRange(index, doc, from, to);
    html.push((from > body ? "…" : "") + highlightView(view, parts) + (view.atEnd ? "" : "…"));
  }
  return html.join(" ");
}
/* The text blocks a result's snippet reads (to know whether they are here already). */
function snippetBlocks(index, doc, firsts) {
  const body = index.bodyStart[doc];
  const keys = textBlocks(index, doc, 0, body + BEFORE + AFTER).keys;
  for (const p of firsts) if (p >= body) keys.push(...textBlocks(index, doc, Math.max(body, p - BEFORE), p + AFTER).keys);
  return keys;
}

/* --- queries --- */
/* Split an absent query into the words of the archive it contains: the longest pieces of two or
 * more characters that are a jieba word of some report (a word entry with whole occurrences),
 * left to right; what is no such word is dropped, never offered as single characters. Offered
 * when the words together find reports. */
async function suggestion(index, parts) {
  // A compound's entry never counts a whole word: only a word's does.
  const isWord = async piece => (await Promise.all(index.segments.map(s => wordEntryOf(s, piece))))
    .some(e => e && e.whole.some(n => n > 0));
  const pieces = [];
  for (const part of parts) {
    const chars = [...part];
    for (let i = 0; i < chars.length;) {
      let j = chars.length;
      for (; j > i + 1; j--) if (await isWord(chars.slice(i, j).join(""))) break;
      if (j > i + 1) pieces.push(chars.slice(i, j).join(""));
      i = j > i + 1 ? j : i + 1;
    }
  }
  const words = [...new Set(pieces)];
  if (!words.length || words.join(" ") === parts.join(" ")) return null;
  const matches = await Promise.all(words.map(piece => matchPart(index, piece)));
  return rank(index, matches).total ? words.join(" ") : null;
}

/* Traditional characters never occur in the (simplified) index, so a part that finds nothing
 * is retried in simplified characters; the table is fetched only then. */
async function simplified(part) {
  if (!state.t2s) state.t2s = fetchJSON(filePath("t2s")).catch(error => { state.t2s = null; throw error; });
  const t2s = await state.t2s;
  return [...part].map(c => t2s[c] || c).join("");
}

/* Asks for the shards that matching `part` reads first (a failure shows when they are used). */
function prefetch(segment, part) {
  for (const gram of [...part].length === 1 ? [part] : bigrams(part))
    shard(segment, fnv1a(gram) % segment.manifest.shards).catch(() => {});
}

async function search(query, limit) {
  let parts = parseQuery(query);
  // A first query's shards and the table of result lines (which nearly every query with
  // results needs) are fetched alongside docinfo.bin, not one round after it.
  if (parts.length) for (const s of (await segmentsReady()).segments) {
    if (s.manifest.linesTable) s.json("linesTable").catch(() => {});
    for (const part of parts) prefetch(s, part);
  }
  const index = await setup();
  if (!parts.length) return { index, parts, ranked: [], total: 0, matches: [] };
  let matches = await Promise.all(parts.map(part => matchPart(index, part)));
  if (matches.some(m => m.docs.length === 0) && parts.some(p => /[\u3400-\u9fff]/.test(p))) {
    const converted = await Promise.all(parts.map(simplified));
    if (converted.some((p, i) => p !== parts[i])) {
      parts = converted;
      matches = await Promise.all(parts.map(part => matchPart(index, part)));
    }
  }
  const { total, ranked } = rank(index, matches, limit);
  return { index, parts, ranked, total, matches };
}

/* The header search's answer: { index, items, parts, total }. `early(data)` receives the list
 * before the snippets when their text is not at hand yet: titles, years and regions are known
 * once ranked, and the snippets' text blocks are one more round of requests. */
async function materialResult(query, early) {
  const { index, parts, ranked, total } = await search(query, MAX_ITEMS);
  const shown = await resultLines(index, ranked.map(([doc]) => doc));
  const terms = Object.fromEntries(parts.map(p => [p, true]));
  const titles = shown.map(m => highlight(m.title, parts));
  const list = texts => ranked.map(([, score], i) => {
    const m = shown[i];
    const details = [m.year, m.region].filter(Boolean).join(" · ");
    let teaser = details ? `<p class="ra-search-meta">${escapeHTML(String(details))}</p>` : "";
    if (texts && i < texts.length) teaser += `<p>${texts[i]}</p>`;
    return [{ location: m.url, title: titles[i], text: teaser, score, terms }];
  });
  const more = total > ranked.length ? [[{
    location: `find/?query=${encodeURIComponent(query)}`, score: 0, terms: {},
    title: `共 ${total} 篇报告，此处列出前 ${ranked.length} 篇`,
    text: "<p>在搜索页查看全部结果，并按年份、地区、主题筛选。</p>",
  }]] : [];
  // The list goes out before the snippets' text is even asked for, unless all of it is here.
  const withText = ranked.slice(0, SNIPPETS);
  if (withText.some(([doc, , firsts]) => snippetBlocks(index, doc, firsts).some(k => typeof state.texts.get(k) !== "string")))
    early({ items: [...list(null), ...more] });
  const snippets = await Promise.all(withText.map(([doc, , firsts]) => snippet(index, doc, firsts, parts)));
  return { index, items: [...list(snippets), ...more], parts, total };
}

/* The search page's answer: every match, with its result line and facets; with no query,
 * every report of the archive (to browse). Snippets come apart (SNIPPETS), for the results a
 * page shows. */
async function facetResult(query) {
  const { index, parts, ranked } = parseQuery(query).length ? await search(query, 0) : await everyReport();
  const shown = await resultLines(index, ranked.map(([doc]) => doc));
  const results = await Promise.all(ranked.map(async ([doc, score], i) => {
    const m = shown[i];
    return { doc, score, ...m, plainTitle: m.title, facets: await facetsOf(index, doc),
             title: parts.length ? highlight(m.title, parts) : escapeHTML(m.title) };
  }));
  const suggest = !ranked.length && parts.length ? await suggestion(index, parts) : null;
  return { query, parts, results, suggestion: suggest };
}

async function everyReport() {
  const index = await setup();
  const total = index.segments.reduce((n, s) => n + s.manifest.docs, 0);
  const ranked = [];
  for (let doc = 0; doc < total; doc++) if (!index.removed.has(doc)) ranked.push([doc, 0, null]);
  return { index, parts: [], ranked };
}

/* The snippets of some results of a query (the search page's current page of them). */
async function snippetsOf(query, docs) {
  const { index, parts, ranked } = await search(query, 0);
  const firsts = new Map(ranked.map(([doc, , f]) => [doc, f]));
  return Promise.all(docs.map(doc => firsts.has(doc) ? snippet(index, doc, firsts.get(doc), parts) : ""));
}
