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
 * reports that are gone. Document ids are global: the delta's follow the base's.
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const MAX_ITEMS = 200;          // results listed in the header search; the rest on /find/
const SNIPPETS = 10;            // first results that get a text snippet
const K1 = 1.2, B = 0.75, TITLE_BOOST = 2.5;

const base = new URL("../../search/", self.location.href);  // worker: assets/reform-archive/
let manifest = null, docinfo = null;
let segments = [];              // {path, manifest, offset}: the base, then the delta if any
let removed = new Set();        // base documents not in the archive any more
const shards = new Map();       // segment path + shard number -> Promise<Map<gram, postings>>
const metaChunks = new Map();
const facetChunks = new Map();
const texts = new Map();
let latest = 0;                 // sequence number of the newest header query
let t2s = null;                 // traditional → simplified table, fetched when a query needs it
const channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("reform-archive-search") : null;

async function fetchOk(path, as) {
  const response = await fetch(new URL(path, base));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return as === "json" ? response.json() : as === "text" ? response.text() : response.arrayBuffer();
}

let ready = null;
function setup() {
  if (!ready) ready = loadManifests().catch(error => { ready = null; throw error; });
  return ready;
}

async function loadManifests() {
  const [m, info] = await Promise.all([fetchOk("manifest.json", "json"), fetchOk("docinfo.bin")]);
  const parts = [{ path: "", manifest: m, offset: 0, info }];
  if (m.delta) {
    const path = `${m.delta.dir}/`;
    const [dm, dinfo] = await Promise.all([fetchOk(`${path}manifest.json`, "json"), fetchOk(`${path}docinfo.bin`)]);
    parts.push({ path, manifest: dm, offset: m.docs, info: dinfo });
    removed = new Set(m.delta.removed);
  }
  const total = parts.reduce((n, s) => n + s.manifest.docs, 0);
  docinfo = { titleLength: new Uint8Array(total), length: new Uint32Array(total) };
  let live = 0, characters = 0;
  for (const s of parts) {
    const view = new DataView(s.info);
    for (let i = 0; i < s.manifest.docs; i++) {
      const doc = s.offset + i;
      docinfo.titleLength[doc] = view.getUint8(i * 5);
      docinfo.length[doc] = view.getUint32(i * 5 + 1, true);
      if (!removed.has(doc)) { live++; characters += docinfo.length[doc]; }
    }
    delete s.info;
  }
  segments = parts;
  // Ranking counts the reports that are in the archive now, over both segments.
  manifest = { ...m, docs: live, avgLength: live ? characters / live : 0 };
  return manifest;
}

function segmentOf(doc) {
  for (let i = segments.length - 1; i >= 0; i--) if (doc >= segments[i].offset) return segments[i];
  return segments[0];
}

/* --- normalisation: the same character-for-character mapping as normalize.py --- */
function normalizeChar(c) {
  if (/\s/.test(c)) return " ";
  let n = c.normalize("NFKC");
  if ([...n].length !== 1) n = c;
  const low = n.toLowerCase();
  return [...low].length === 1 ? low : n;
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

function decodeShard(buffer) {
  const bytes = new Uint8Array(buffer);
  let p = 0;
  const varint = () => {
    let result = 0, shift = 0, b;
    do { b = bytes[p++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  };
  const decoder = new TextDecoder();
  const grams = new Map();
  const count = varint();
  for (let g = 0; g < count; g++) {
    const keyLength = varint();
    const gram = decoder.decode(bytes.subarray(p, p + keyLength));
    p += keyLength;
    const unigram = [...gram].length === 1;
    const docs = new Map();
    let doc = 0;
    const ndocs = varint();
    for (let d = 0; d < ndocs; d++) {
      doc += varint();
      const n = varint();
      if (unigram) { docs.set(doc, n); continue; }
      const positions = new Int32Array(n);
      let last = 0;
      for (let i = 0; i < n; i++) { last += varint(); positions[i] = last; }
      docs.set(doc, positions);
    }
    grams.set(gram, docs);
  }
  return grams;
}

function shard(segment, n) {
  const key = segment.path + n;
  if (!shards.has(key)) shards.set(key, fetchOk(`${segment.path}g/${n}.bin`).then(decodeShard));
  return shards.get(key);
}

/* A gram's documents over all segments, in global ids, without the removed ones. */
async function postings(gram) {
  const hash = fnv1a(gram);
  const lists = await Promise.all(segments.map(async s => [s, (await shard(s, hash % s.manifest.shards)).get(gram)]));
  if (segments.length === 1) return lists[0][1] || new Map();
  const merged = new Map();
  for (const [s, docs] of lists) {
    if (!docs) continue;
    for (const [doc, value] of docs) {
      const id = doc + s.offset;
      if (!removed.has(id)) merged.set(id, value);
    }
  }
  return merged;
}

function bigrams(part) {
  const chars = [...part];
  const out = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

function contains(sorted, value) {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === value) return true;
    if (sorted[mid] < value) lo = mid + 1; else hi = mid - 1;
  }
  return false;
}

/* Documents containing `part` as a string: Map doc -> sorted match start positions
 * (for a single character: doc -> occurrence count, positions unknown). */
async function matchPart(part) {
  const chars = [...part];
  if (chars.length === 1) {
    const docs = await postings(part);
    return { single: true, docs };
  }
  const grams = bigrams(part);
  const lists = await Promise.all(grams.map(postings));
  const result = new Map();
  if (lists.some(list => list.size === 0)) return { single: false, docs: result };
  const order = lists.map((list, i) => i).sort((a, b) => lists[a].size - lists[b].size);
  for (const [doc] of lists[order[0]]) {
    if (!order.every(i => lists[i].has(doc))) continue;
    // Anchor on the gram with the fewest positions in this document.
    let anchor = 0;
    for (let i = 1; i < grams.length; i++)
      if (lists[i].get(doc).length < lists[anchor].get(doc).length) anchor = i;
    const starts = [];
    for (const position of lists[anchor].get(doc)) {
      const start = position - anchor;
      if (start < 0) continue;
      let ok = true;
      for (let i = 0; i < grams.length && ok; i++)
        if (i !== anchor) ok = contains(lists[i].get(doc), start + i);
      if (ok) starts.push(start);
    }
    if (starts.length) result.set(doc, starts.sort((a, b) => a - b));
  }
  return { single: false, docs: result };
}

/* --- ranking: BM25 over exact occurrences, with a boost when the match is in the title --- */
function rank(parts, matches) {
  const N = manifest.docs, avg = manifest.avgLength || 1;
  let candidates = null;
  for (const m of matches) {
    const docs = new Set(m.docs.keys());
    candidates = candidates ? new Set([...candidates].filter(d => docs.has(d))) : docs;
  }
  const scored = [];
  for (const doc of candidates || []) {
    let score = 0;
    const norm = 1 - B + B * docinfo.length[doc] / avg;
    matches.forEach((m, i) => {
      const df = m.docs.size;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      const value = m.docs.get(doc);
      const tf = m.single ? value : value.length;
      score += idf * (tf * (K1 + 1)) / (tf + K1 * norm);
      if (!m.single && value[0] < docinfo.titleLength[doc]) score += TITLE_BOOST * idf;
    });
    scored.push([doc, score]);
  }
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return scored;
}

async function meta(doc) {
  const s = segmentOf(doc), local = doc - s.offset, size = s.manifest.metaChunk;
  const key = `${s.path}m/${Math.floor(local / size)}.json`;
  if (!metaChunks.has(key)) metaChunks.set(key, fetchOk(key, "json"));
  const [url, title, year, region] = (await metaChunks.get(key))[local % size];
  return { url, title, year: year || "", region };
}

/* Year, province and topics of a report, for the search page's facets. */
async function facetsOf(doc) {
  const s = segmentOf(doc);
  const key = `${s.path}facets.json`;
  if (!facetChunks.has(key)) facetChunks.set(key, fetchOk(key, "json"));
  const f = await facetChunks.get(key);
  const [year, province, topics] = f.docs[doc - s.offset];
  return { year: year || "", province: province >= 0 ? f.provinces[province] : "", topics: topics.map(t => f.topics[t]) };
}

/* The characters [from, to) of a report's text (positions in code points), fetched block by block. */
async function textRange(doc, from, to) {
  const s = segmentOf(doc), size = s.manifest.textBlock;
  const first = Math.floor(from / size), last = Math.floor(Math.max(from, to - 1) / size);
  const blocks = [];
  for (let k = first; k <= last; k++) {
    const key = `${s.path}t/${doc - s.offset}-${k}.txt`;
    if (!texts.has(key)) texts.set(key, fetchOk(key, "text").catch(() => ""));
    blocks.push(texts.get(key));
  }
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

async function snippet(doc, start, parts) {
  const from = Math.max(0, start - 40);
  const { chars, atEnd } = await textRange(doc, from, start + 80);
  const window = chars.join("").replace(/\s+/g, " ");
  return (from > 0 ? "…" : "") + highlight(window, parts) + (atEnd ? "" : "…");
}

function firstBodyMatch(doc, matches) {
  let best = null;
  for (const m of matches) {
    if (m.single) continue;
    const starts = m.docs.get(doc);
    const body = starts.find(s => s >= docinfo.titleLength[doc]);
    const candidate = body ?? starts[0];
    if (best === null || candidate < best) best = candidate;
  }
  return best ?? docinfo.titleLength[doc];
}

/* Split an absent query into the longest pieces that do occur in the archive. */
async function suggestion(parts) {
  const pieces = [];
  for (const part of parts) {
    const chars = [...part];
    let i = 0;
    while (i < chars.length) {
      let j = chars.length;
      for (; j > i + 1; j--) {
        const candidate = chars.slice(i, j).join("");
        if ((await matchPart(candidate)).docs.size) break;
      }
      const piece = chars.slice(i, j).join("");
      if (j > i + 1 || (await matchPart(piece)).docs.size) pieces.push(piece);
      i = j;
    }
  }
  if (pieces.length < 2) return null;
  const matches = await Promise.all(pieces.map(matchPart));
  return rank(pieces, matches).length ? pieces.join(" ") : null;
}

/* Traditional characters never occur in the (simplified) index, so a part that finds nothing
 * is retried in simplified characters; the table is fetched only then. */
async function simplified(part) {
  if (!t2s) t2s = await fetchOk("t2s.json", "json");
  return [...part].map(c => t2s[c] || c).join("");
}

async function search(query, limit) {
  await setup();
  let parts = parseQuery(query);
  if (!parts.length) return { parts, ranked: [], matches: [] };
  let matches = await Promise.all(parts.map(matchPart));
  if (matches.some(m => m.docs.size === 0) && parts.some(p => /[\u3400-\u9fff]/.test(p))) {
    const converted = await Promise.all(parts.map(simplified));
    if (converted.some((p, i) => p !== parts[i])) {
      parts = converted;
      matches = await Promise.all(parts.map(matchPart));
    }
  }
  const ranked = rank(parts, matches);
  return { parts, ranked: limit ? ranked.slice(0, limit) : ranked, total: ranked.length, matches };
}

async function materialResult(query) {
  const { parts, ranked, total, matches } = await search(query, MAX_ITEMS);
  const items = await Promise.all(ranked.map(async ([doc, score], i) => {
    const m = await meta(doc);
    const details = [m.year, m.region].filter(Boolean).join(" · ");
    let teaser = details ? `<p class="ra-search-meta">${escapeHTML(String(details))}</p>` : "";
    if (i < SNIPPETS) teaser += `<p>${await snippet(doc, firstBodyMatch(doc, matches), parts)}</p>`;
    return [{
      location: m.url, title: highlight(m.title, parts), text: teaser, score,
      terms: Object.fromEntries(parts.map(p => [p, true])),
    }];
  }));
  if (total > ranked.length) {
    items.push([{
      location: `find/?query=${encodeURIComponent(query)}`, score: 0, terms: {},
      title: `共 ${total} 篇报告，此处列出前 ${ranked.length} 篇`,
      text: "<p>在搜索页查看全部结果，并按年份、地区、主题筛选。</p>",
    }]);
  }
  if (channel) {
    const suggest = total === 0 && parts.length ? await suggestion(parts) : null;
    channel.postMessage({ query, total: total || 0, suggestion: suggest });
  }
  return { items };
}

async function facetResult(query) {
  const { parts, ranked, matches } = await search(query, 0);
  const results = await Promise.all(ranked.map(async ([doc, score], i) => {
    const m = await meta(doc);
    return { doc, score, ...m, facets: await facetsOf(doc), title: highlight(m.title, parts),
             snippet: i < SNIPPETS ? await snippet(doc, firstBodyMatch(doc, matches), parts) : "" };
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
      const data = await materialResult(message.data);
      if (seq === latest) self.postMessage({ type: RESULT, data });
    }
  } catch (error) {
    console.error("reform-archive search:", error);
    if (message.type === QUERY) self.postMessage({ type: RESULT, data: { items: [] } });
  }
});
