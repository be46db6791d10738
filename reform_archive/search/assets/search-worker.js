/* reform-archive search worker.
 *
 * Speaks Material for MkDocs' search-worker protocol (SETUP 0, READY 1, QUERY 2, RESULT 3), so
 * Material's header search box, result list and ?h= highlighting stay as they are, while the
 * matching is ours: every space-separated part of the query (or "quoted phrase") must occur in
 * the report as a string. Postings are character bigrams with positions, fetched shard by shard
 * (see reform_archive/search/index.py), so a query downloads only what it needs.
 *
 * The same file serves the search page (messages with `kind`), which asks for all matches with
 * their facets.
 *
 * The index may come in two segments (search/builder.py): the base, and under delta/ the reports
 * added or edited since the base was built, with `manifest.delta.removed` naming the base's
 * reports that are gone. Each segment is searched on its own (its own shards, positions, lines
 * and texts, in its own document ids); results are merged in global ids, the delta's after the
 * base's, and ranked together.
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const MAX_ITEMS = 200;          // results listed in the header search; the rest on /find/
const SNIPPETS = 10;            // first results that get a text snippet
const K1 = 1.2, B = 0.75, TITLE_BOOST = 2.5, HEADING_BOOST = 1, WORD_BOOST = 1;
const WORD_MARK = "\t";        // starts the key of a word entry in a shard (index.py)

const base = new URL("../../search/", self.location.href);  // worker: assets/reform-archive/
let manifest = null, docinfo = null;  // manifest: the base's, with counts over both segments
let segments = [];              // the base, then the delta if there is one
let removed = new Set();        // global ids of base documents no longer in the archive
let latest = 0;                 // sequence number of the newest header query
let t2s = null;                 // traditional → simplified table, fetched when a query needs it
const channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("reform-archive-search") : null;
const utf8 = new TextDecoder();

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

/* One index segment: its files under `path`, its documents numbered from `offset`. */
class Segment {
  constructor(path, manifest, offset) {
    this.path = path;
    this.manifest = manifest;
    this.offset = offset;
    this.shards = new Map();          // shard number -> Promise<Map<gram, entry>> (document lists)
    this.packedPositions = new Map(); // shard number -> Promise<bytes of p/<n>.bin>
    this.lines = new Map();           // local doc -> Promise<[url, title, year, region]>
    this.linesTable = null;           // Promise<[urls, titles, years, regions]>, when it has one
    this.facets = null;
  }
  /* The table of every result line (segments that have one); asked again after a failure. */
  lineTable() {
    if (!this.linesTable) {
      this.linesTable = this.fetchJSON("lines.json.gz");
      this.linesTable.catch(() => { this.linesTable = null; });
    }
    return this.linesTable;
  }
  fetchBytes(name) { return fetchBytes(this.path + name); }
  fetchJSON(name) { return fetchJSON(this.path + name); }
}

let ready = null;
function setup() {
  if (!ready) ready = loadSegments().catch(error => { ready = null; throw error; });
  return ready;
}

async function loadSegments() {
  const m = await fetchJSON("manifest.json");
  const parts = [new Segment("", m, 0)];
  if (m.delta && m.delta.docs) parts.push(new Segment(`${m.delta.dir}/`, await fetchJSON(`${m.delta.dir}/manifest.json`), m.docs));
  const infos = await Promise.all(parts.map(s => s.fetchBytes("docinfo.bin")));
  removed = new Set(m.delta ? m.delta.removed : []);
  const total = parts.reduce((n, s) => n + s.manifest.docs, 0);
  docinfo = { titleLength: new Uint8Array(total), length: new Uint32Array(total) };
  let live = 0, characters = 0;
  parts.forEach((s, k) => {
    // docinfo.bin: every report's title length (u8, with its line break), then every
    // report's text length in characters (u32, little-endian).
    const info = infos[k], n = s.manifest.docs;
    const view = new DataView(info.buffer, info.byteOffset, info.byteLength);
    for (let i = 0; i < n; i++) {
      const doc = s.offset + i;
      docinfo.titleLength[doc] = info[i];
      docinfo.length[doc] = view.getUint32(n + 4 * i, true);
      if (!removed.has(doc)) { live++; characters += docinfo.length[doc]; }
    }
  });
  segments = parts;
  // Ranking counts the reports that are in the archive now, over both segments.
  manifest = { ...m, docs: live, avgLength: live ? characters / live : 0 };
  return manifest;
}

function segmentOf(doc) {
  for (let i = segments.length - 1; i > 0; i--) if (doc >= segments[i].offset) return segments[i];
  return segments[0];
}

/* --- normalisation: the same character-for-character mapping as normalize.py --- */
const normalized = new Map();   // character -> its normalised form: titles and snippets repeat them
function normalizeChar(c) {
  let out = normalized.get(c);
  if (out === undefined) {
    let n = /\s/.test(c) ? " " : c.normalize("NFKC");
    if ([...n].length !== 1) n = c;
    const low = n.toLowerCase();
    out = [...low].length === 1 ? low : n;
    normalized.set(c, out);
  }
  return out;
}
function normalize(text) { return [...text].map(normalizeChar).join(""); }

/* A query's parts: "quoted phrases" keep their spaces, everything else splits on white space. */
function parseQuery(query) {
  const parts = [];
  const re = /"([^"]*)"|“([^”]*)”|(\S+)/g;
  let m;
  while ((m = re.exec(query))) {
    const part = normalize(m[1] ?? m[2] ?? m[3]).replace(/ +/g, " ").trim();
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

/* A shard's grams: gram -> { docs, counts, where (bigrams), and where its positions are }. Its
 * word entries (key: WORD_MARK + word): of a two-character word { docs, counts }, the counts of
 * the word as a whole word; of a longer word, exact: { docs, counts, where, whole }, every
 * document with the string, as a match of it would find them, and the whole-word counts. */
function decodeShard(bytes, shardNumber, packBytes) {
  const r = varintReader(bytes);
  const grams = new Map();
  const count = r.next();
  let packedOffset = 0;
  for (let g = 0; g < count; g++) {
    const gram = utf8.decode(r.take(r.next()));
    const length = [...gram].length;
    const bigram = length === 2, exact = length > 3 && gram.startsWith(WORD_MARK);
    const n = r.next();
    const docs = new Int32Array(n), counts = new Int32Array(n);
    const where = bigram || exact ? new Int32Array(n) : null, whole = exact ? new Int32Array(n) : null;
    let doc = 0;
    for (let d = 0; d < n; d++) {
      doc += r.next();
      docs[d] = doc;
      counts[d] = r.next();
      if (where) where[d] = r.next();
      if (whole) whole[d] = r.next();
    }
    const entry = { shard: shardNumber, index: g, docs, counts, where, whole, posBytes: 0, posOffset: -1, positions: null };
    if (bigram) {
      entry.posBytes = r.next();
      if (entry.posBytes <= packBytes) { entry.posOffset = packedOffset; packedOffset += entry.posBytes; }
    }
    grams.set(gram, entry);
  }
  return grams;
}

function shard(segment, n) {
  if (!segment.shards.has(n))
    segment.shards.set(n, segment.fetchBytes(`g/${n}.bin`).then(bytes => decodeShard(bytes, n, segment.manifest.packBytes)));
  return segment.shards.get(n);
}

async function entryOf(segment, gram) {
  const grams = await shard(segment, fnv1a(gram) % segment.manifest.shards);
  return grams.get(gram) || null;
}

/* The word entry of `part`, if it is a word of the archive: in the shard of one of its bigrams
 * (a two-character word's own; for a longer one, the index chose), all of which the part's
 * match fetches anyway. */
async function wordEntryOf(segment, part) {
  const key = WORD_MARK + part;
  for (const gram of bigrams(part)) {
    const grams = await shard(segment, fnv1a(gram) % segment.manifest.shards);
    if (grams.has(key)) return grams.get(key);
  }
  return null;
}

/* Per document of `docs` (sorted), its count in `entry` (0 where the entry has none). */
function countsIn(entry, docs) {
  const out = new Int32Array(docs.length);
  if (!entry) return out;
  for (let i = 0, j = 0; i < docs.length && j < entry.docs.length; i++) {
    while (j < entry.docs.length && entry.docs[j] < docs[i]) j++;
    if (entry.docs[j] === docs[i]) out[i] = entry.counts[j];
  }
  return out;
}

/* A bigram's positions, fetched (its own file, or its part of the shard's packed file) and
 * decoded on first use: { offsets (per document in `docs`), positions }. */
function positionsOf(segment, entry) {
  if (!entry.positions) entry.positions = (async () => {
    let bytes;
    if (entry.posOffset >= 0) {
      const packed = segment.packedPositions;
      if (!packed.has(entry.shard)) packed.set(entry.shard, segment.fetchBytes(`p/${entry.shard}.bin`));
      bytes = (await packed.get(entry.shard)).subarray(entry.posOffset, entry.posOffset + entry.posBytes);
    } else {
      bytes = await segment.fetchBytes(`p/${entry.shard}-${entry.index}.bin`);
    }
    const n = entry.docs.length, offsets = new Int32Array(n + 1);
    for (let d = 0; d < n; d++) offsets[d + 1] = offsets[d] + entry.counts[d];
    const positions = new Int32Array(offsets[n]);
    const r = varintReader(bytes);
    for (let d = 0; d < n; d++) {
      let last = 0;
      for (let k = offsets[d]; k < offsets[d + 1]; k++) { last += r.next(); positions[k] = last; }
    }
    return { offsets, positions };
  })();
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
    cost[i] = entries[i].posBytes + 1 + (i === 0 ? 0 : cost[from[i]]);
  }
  const chosen = [];
  for (let i = m - 1; i >= 0; i = from[i]) chosen.unshift(i);
  return chosen;
}

/* A match: the documents containing `part` as a string (sorted), with per document the number
 * of occurrences (`tf`) and `where`: (first occurrence after the title + 1, or 0) * 4, + 2 if
 * it occurs in a heading, + 1 if in the title. Single characters have no `where`. For a part
 * of three or more characters, "in a heading" means that each of its bigrams starts in some
 * heading line of the report (the index keeps heading flags per bigram, not per position): a
 * ranking hint, which never changes which reports match. Parts of two or more characters also
 * have `whole`: per document, the occurrences of the part as a whole jieba word. */
const NO_MATCH = { single: false, docs: new Int32Array(0), tf: new Int32Array(0), where: new Int32Array(0),
                   whole: new Int32Array(0) };

/* A match over every segment, in global ids, without the removed documents. */
async function matchPart(part) {
  const found = await Promise.all(segments.map(s => matchPartIn(s, part)));
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
async function matchPartIn(segment, part) {
  const chars = [...part];
  if (chars.length === 1) {
    const e = await entryOf(segment, part);
    return e ? { single: true, docs: e.docs, tf: e.counts, where: null } : { ...NO_MATCH, single: true };
  }
  const [entries, word] = await Promise.all([Promise.all(bigrams(part).map(gram => entryOf(segment, gram))),
                                              wordEntryOf(segment, part)]);
  if (entries.some(e => !e)) return NO_MATCH;
  // A word of three or more characters has an exact entry: no positions to fetch.
  if (word && word.whole) return { single: false, docs: word.docs, tf: word.counts, where: word.where, whole: word.whole };
  if (entries.length === 1)
    return { single: false, docs: entries[0].docs, tf: entries[0].counts, where: entries[0].where,
             whole: countsIn(word, entries[0].docs) };
  let candidates = entries[0].docs;
  for (const e of entries.slice(1)) candidates = intersect(candidates, e.docs);
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
      const list = entries[chosen[j]].docs;
      while (list[at[j]] < doc) at[j]++;
      const size = lists[j].offsets[at[j] + 1] - lists[j].offsets[at[j]];
      if (size < lists[anchor].offsets[at[anchor] + 1] - lists[anchor].offsets[at[anchor]]) anchor = j;
    }
    const title = docinfo.titleLength[doc + segment.offset];
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
      let heading = 2;
      entries.forEach((e, i) => {
        while (e.docs[every[i]] < doc) every[i]++;
        heading &= e.where[every[i]];
      });
      docs[n] = doc; tf[n] = count; where[n] = (firstBody + 1) * 4 + heading + (first < title ? 1 : 0); n++;
    }
  }
  // No exact entry: the part is no word of the archive, so never a whole word.
  return { single: false, docs: docs.subarray(0, n), tf: tf.subarray(0, n), where: where.subarray(0, n),
           whole: new Int32Array(n) };
}

/* --- ranking: BM25 over exact occurrences, with boosts when the match is in the title or a
 * heading, and for its occurrences as a whole word (BM25 again, over those) --- */
/* The documents that match every part, best first: { total, ranked: [doc, score, snippet
 * start] for the best `limit` of them (all when limit is 0) }. */
function rank(parts, matches, limit = 0) {
  if (!matches.length) return { total: 0, ranked: [] };
  const N = manifest.docs, avg = manifest.avgLength || 1;
  let candidates = matches[0].docs;
  for (const m of matches.slice(1)) candidates = intersect(candidates, m.docs);
  const idf = matches.map(m => Math.log(1 + (N - m.docs.length + 0.5) / (m.docs.length + 0.5)));
  const at = matches.map(() => 0);
  const n = candidates.length, scores = new Float64Array(n), snippetAt = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const doc = candidates[c];
    let score = 0, start = -1;
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
      if (where & 1) score += TITLE_BOOST * idf[i];
      if (where & 2) score += HEADING_BOOST * idf[i];
      const candidate = where >> 2 ? (where >> 2) - 1 : 0;
      if (start < 0 || candidate < start) start = candidate;
    }
    scores[c] = score;
    snippetAt[c] = start < 0 ? docinfo.titleLength[doc] : start;
  }
  // Better score first, then lower document id: a total order, so results never reshuffle.
  const before = (a, b) => scores[a] > scores[b] || (scores[a] === scores[b] && a < b);
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
  return { total: n, ranked: order.map(c => [candidates[c], scores[c], snippetAt[c]]) };
}

/* What the result lines of `docs` show: from the table of every line (loaded once), or, in an
 * archive too large for one, one small file per report, or, where a result list covers much
 * of a chunk of `metaChunk` reports, the whole chunk (fewer requests and bytes). */
async function resultLines(docs) {
  const bySegment = segments.map(() => []);
  const where = docs.map(doc => {
    const k = segments.indexOf(segmentOf(doc));
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
    const [urls, titles, years, regions] = await segment.lineTable();
    return docs.map(doc => ({ url: urls[doc], title: titles[doc], year: years[doc] || "", region: regions[doc] }));
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
      const all = segment.fetchJSON(`m/${chunk}.json.gz`);
      for (let d = chunk * size; d < Math.min(m.docs, (chunk + 1) * size); d++)
        if (!lines.has(d)) lines.set(d, all.then(list => list[d - chunk * size]));
    } else {
      lines.set(doc, segment.fetchJSON(`r/${doc}.json`));
    }
  }
  return Promise.all(docs.map(async doc => {
    const [url, title, year, region] = await lines.get(doc);
    return { url, title, year: year || "", region };
  }));
}

/* Year, province and topics of a report, for the search page's facets. */
async function facetsOf(doc) {
  const s = segmentOf(doc);
  if (!s.facets) s.facets = s.fetchJSON("facets.json");
  const f = await s.facets;
  const [year, province, topics] = f.docs[doc - s.offset];
  return { year: year || "", province: province >= 0 ? f.provinces[province] : "", topics: topics.map(t => f.topics[t]) };
}

/* The characters [from, to) of a report's text (positions in code points), fetched block by block. */
const texts = new Map();         // path of a text block -> Promise<its text>, then its text
/* Snippet text comes after the result list, and a browser opens only a few connections per
 * server (six in Chromium): text blocks are fetched at most TEXT_FETCHES at a time, so the next
 * query's document lists never queue behind the last query's snippets. */
const TEXT_FETCHES = 2;
let textFetching = 0;
const textQueue = [];
async function textSlot(task) {
  if (textFetching >= TEXT_FETCHES) await new Promise(resolve => textQueue.push(resolve));
  textFetching++;
  try { return await task(); } finally { textFetching--; if (textQueue.length) textQueue.shift()(); }
}
/* The paths of the text blocks that hold the characters [from, to) of a report, and the first
 * block's number. */
function textBlocks(doc, from, to) {
  const s = segmentOf(doc), size = s.manifest.textBlock;
  const first = Math.floor(from / size), last = Math.floor(Math.max(from, to - 1) / size);
  const keys = [];
  for (let k = first; k <= last; k++) keys.push(`${s.path}t/${doc - s.offset}-${k}.txt.gz`);
  return { keys, first, size };
}
async function textRange(doc, from, to) {
  const { keys, first, size } = textBlocks(doc, from, to);
  const blocks = keys.map(key => {
    // A block's promise, replaced by its text once it is here (see materialResult).
    if (!texts.has(key)) texts.set(key, textSlot(() => fetchBytes(key)).then(b => utf8.decode(b)).catch(() => "")
      .then(text => { texts.set(key, text); return text; }));
    return texts.get(key);
  });
  const joined = [...(await Promise.all(blocks)).join("")];
  return { chars: joined.slice(from - first * size, to - first * size), atStart: from === 0,
           atEnd: joined.length - (from - first * size) < to - from };
}

const escapeHTML = s => s.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

/* Wrap every occurrence of the query parts in <mark>, escaping everything else. */
function highlight(original, parts) {
  const chars = [...original];
  const normalized = chars.map(normalizeChar);
  const marked = new Uint8Array(chars.length);
  const hay = normalized.join("");
  for (const part of parts) {
    const length = [...part].length;
    // Work in code points: map string offsets to char indices.
    let from = 0, index;
    const offsets = [];
    let offset = 0;
    for (const c of normalized) { offsets.push(offset); offset += c.length; }
    while ((index = hay.indexOf(part, from)) !== -1) {
      const start = offsets.indexOf(index);
      if (start >= 0) for (let i = start; i < start + length && i < chars.length; i++) marked[i] = 1;
      from = index + 1;
    }
  }
  let html = "", open = false;
  chars.forEach((c, i) => {
    if (marked[i] && !open) { html += "<mark>"; open = true; }
    if (!marked[i] && open) { html += "</mark>"; open = false; }
    html += escapeHTML(c);
  });
  return open ? html + "</mark>" : html;
}

const snippetRange = start => [Math.max(0, start - 40), start + 80];
async function snippet(doc, start, parts) {
  const [from, to] = snippetRange(start);
  const { chars, atEnd } = await textRange(doc, from, to);
  const window = chars.join("").replace(/\s+/g, " ");
  return (from > 0 ? "…" : "") + highlight(window, parts) + (atEnd ? "" : "…");
}

/* Split an absent query into words: the longest pieces that are jieba words of the archive
 * (they have a word entry), else the longest pieces that occur in it at all; offered when the
 * pieces together find reports. */
async function suggestion(parts) {
  // A compound's entry never counts a whole word: only a word's does.
  const isWord = async piece => (await Promise.all(segments.map(s => wordEntryOf(s, piece))))
    .some(e => e && (!e.whole || e.whole.some(n => n > 0)));
  const occurs = async piece => (await matchPart(piece)).docs.length > 0;
  for (const fits of [isWord, occurs]) {
    const pieces = await splitInto(parts, fits);
    if (pieces.length < 2) continue;
    const matches = await Promise.all(pieces.map(matchPart));
    if (rank(pieces, matches).total) return pieces.join(" ");
  }
  return null;
}

/* Each part cut, from the left, into the longest pieces of two or more characters that `fits`;
 * a character left alone is kept when it occurs in the archive. */
async function splitInto(parts, fits) {
  const pieces = [];
  for (const part of parts) {
    const chars = [...part];
    let i = 0;
    while (i < chars.length) {
      let j = chars.length;
      for (; j > i + 1; j--) if (await fits(chars.slice(i, j).join(""))) break;
      const piece = chars.slice(i, j).join("");
      if (j > i + 1 || (await matchPart(piece)).docs.length) pieces.push(piece);
      i = j;
    }
  }
  return pieces;
}

/* Traditional characters never occur in the (simplified) index, so a part that finds nothing
 * is retried in simplified characters; the table is fetched only then. */
async function simplified(part) {
  if (!t2s) t2s = await fetchJSON("t2s.json.gz");
  return [...part].map(c => t2s[c] || c).join("");
}

async function search(query, limit) {
  await setup();
  let parts = parseQuery(query);
  if (!parts.length) return { parts, ranked: [], total: 0, matches: [] };
  // Nearly every query with results needs the table of result lines: it is fetched alongside
  // the first query's postings rather than one round after them.
  for (const s of segments) if (s.manifest.linesTable) s.lineTable();
  let matches = await Promise.all(parts.map(matchPart));
  if (matches.some(m => m.docs.length === 0) && parts.some(p => /[\u3400-\u9fff]/.test(p))) {
    const converted = await Promise.all(parts.map(simplified));
    if (converted.some((p, i) => p !== parts[i])) {
      parts = converted;
      matches = await Promise.all(parts.map(matchPart));
    }
  }
  const { total, ranked } = rank(parts, matches, limit);
  return { parts, ranked, total, matches };
}

/* The header search's answer. `early(data)` receives the list before the snippets when their
 * text is not at hand yet: titles, years and regions are known once ranked, and the snippets'
 * text blocks are one more round of requests; the full answer follows. */
async function materialResult(query, early = null) {
  const { parts, ranked, total } = await search(query, MAX_ITEMS);
  const shown = await resultLines(ranked.map(([doc]) => doc));
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
  if (early && withText.some(([doc, , at]) => textBlocks(doc, ...snippetRange(at)).keys.some(k => typeof texts.get(k) !== "string")))
    early({ items: [...list(null), ...more] });
  const snippets = await Promise.all(withText.map(([doc, , snippetAt]) => snippet(doc, snippetAt, parts)));
  const items = [...list(snippets), ...more];
  if (channel) {
    const suggest = total === 0 && parts.length ? await suggestion(parts) : null;
    channel.postMessage({ query, total: total || 0, suggestion: suggest });
  }
  return { items };
}

async function facetResult(query) {
  const { parts, ranked } = await search(query, 0);
  const shown = await resultLines(ranked.map(([doc]) => doc));
  const results = await Promise.all(ranked.map(async ([doc, score, snippetAt], i) => {
    const m = shown[i];
    return { doc, score, ...m, facets: await facetsOf(doc), title: highlight(m.title, parts),
             snippet: i < SNIPPETS ? await snippet(doc, snippetAt, parts) : "" };
  }));
  const suggest = !ranked.length && parts.length ? await suggestion(parts) : null;
  return { query, parts, results, suggestion: suggest };
}

self.addEventListener("message", async event => {
  const message = event.data;
  try {
    if (message.kind === "facets") {
      self.postMessage({ kind: "facets", id: message.id, data: await facetResult(message.query) });
    } else if (message.type === SETUP) {
      await setup();
      self.postMessage({ type: READY });
    } else if (message.type === QUERY) {
      // Keys arrive one by one (2, 20, 200, 2006) and queries finish out of order: only the
      // answer to the latest query may reach the result list.
      const seq = ++latest;
      const post = data => { if (seq === latest) self.postMessage({ type: RESULT, data }); };
      post(await materialResult(message.data, post));
    }
  } catch (error) {
    console.error("reform-archive search:", error);
    if (message.type === QUERY) self.postMessage({ type: RESULT, data: { items: [] } });
  }
});
