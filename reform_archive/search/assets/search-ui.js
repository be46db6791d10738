/* reform-archive: the search page (/find/) with facets, and the notes under Material's header
 * search (a "try these words" suggestion when nothing matches, or why the search failed). Both
 * talk to the same worker. */
(function () {
  "use strict";
  // The site's root, from this script's own address (it is assets/reform-archive/search-ui.js):
  // never from the page, where a report's markup could say otherwise.
  const script = document.currentScript || document.querySelector('script[src*="reform-archive/search-ui.js"]');
  const base = new URL("../../", script.src);
  // The messages of search-worker.js's protocol (the table at its top) that this page uses.
  const Message = Object.freeze({
    FACETS: "facets", FACETS_RESULT: "facets-result", FACETS_ERROR: "facets-error",
    SNIPPETS: "snippets", SNIPPETS_RESULT: "snippets-result",
    SUGGESTION: "suggestion", QUERY_ERROR: "query-error",
  });
  const CHANNEL = "reform-archive-search";
  const failure = detail => `搜索出错：未能读取搜索索引（${detail}）。请稍后再试。`;
  const workerUrl = new URL("assets/reform-archive/search-worker.js", base);
  const escapeHTML = s => String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

  /* Header search: when the worker finds nothing, offer the query split into words; when the
   * search failed, say so (Material's list only shows no results). */
  if (typeof BroadcastChannel !== "undefined") {
    const channel = new BroadcastChannel(CHANNEL);
    channel.addEventListener("message", ({ data }) => {
      const input = document.querySelector(".md-search__input");
      const meta = document.querySelector(".md-search-result__meta");
      if (!input || !meta || input.value !== data.query) return;
      document.querySelectorAll(".ra-suggest, .ra-search-error").forEach(el => el.remove());
      if (data.kind === Message.QUERY_ERROR) {
        const p = document.createElement("p");
        p.className = "ra-search-error";
        p.setAttribute("role", "alert");
        p.textContent = failure(data.error);
        meta.after(p);
        meta.textContent = "搜索暂时无法使用";   // not Material's "no results": nothing was searched
        return;
      }
      if (data.kind !== Message.SUGGESTION || data.total || !data.suggestion) return;
      const p = document.createElement("p");
      p.className = "ra-suggest";
      p.innerHTML = `没有报告包含“${escapeHTML(data.query)}”。试试：<button type="button" class="ra-suggest-words">${escapeHTML(data.suggestion)}</button>`;
      const words = p.querySelector("button");
      // The press must not take the focus from the search box: Material closes its panel then.
      words.addEventListener("mousedown", event => event.preventDefault());
      words.addEventListener("click", event => {
        event.preventDefault();
        event.stopPropagation();
        input.value = data.suggestion;
        input.focus();
        input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
      });
      meta.after(p);
    });
  }

  /* The search page: every match (or, with no query, the whole archive to browse), narrowed
   * by years, regions (down to the county) and topics, several values at once, sorted by
   * relevance, year or title, a page at a time; all of it in the page's URL. */
  const root = document.getElementById("ra-find");
  if (!root) return;
  const worker = new Worker(workerUrl);
  const form = root.querySelector("form");
  const input = root.querySelector("input[name=q]");
  const out = root.querySelector(".ra-find-results");
  const facetsBox = root.querySelector(".ra-find-facets");
  const PAGE_SIZE = 50;
  const GROUPS = [["year", "年份"], ["region", "地区"], ["topic", "主题"]];
  const SORTS = { relevance: "相关度", "year-desc": "年份（新→旧）", "year-asc": "年份（旧→新）", title: "标题" };
  const UNKNOWN_YEAR = "未知", NO_REGION = "未标注地区";

  /* What the page shows, as its URL says it: ?query=…&year=2009&region=湖南省&topic=…&sort=…&page=2.
   * `?query=`, not `?q=`: Material opens its header search on `?q=`. */
  function readState() {
    const params = new URLSearchParams(location.search);
    const chosen = Object.fromEntries(GROUPS.map(([key]) => [key, new Set(params.getAll(key))]));
    return { query: params.get("query") || "", chosen, sort: params.get("sort") || "", page: Math.max(1, +params.get("page") || 1) };
  }
  function writeState(push) {
    const params = new URLSearchParams();
    if (view.query) params.set("query", view.query);
    for (const [key] of GROUPS) for (const value of view.chosen[key]) params.append(key, value);
    if (view.sort) params.set("sort", view.sort);
    if (view.page > 1) params.set("page", String(view.page));
    const url = `${location.pathname}${params.toString() ? "?" + params : ""}`;
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  }
  const view = readState();
  let last = null;          // the worker's answer to the current query
  let asked = 0;            // the id of the newest request: only its answer is shown

  // A result's facet values, as the worker gives them (it reads each index segment's facets).
  const values = (r, key) => key === "year" ? [String(r.facets.year || UNKNOWN_YEAR)]
    : key === "region" ? (r.facets.regions.length ? r.facets.regions : [NO_REGION]) : r.facets.topics;
  const passes = (r, key) => !view.chosen[key].size || values(r, key).some(v => view.chosen[key].has(v));
  const keep = (r, except) => GROUPS.every(([key]) => key === except || passes(r, key));
  const sortOf = () => SORTS[view.sort] && (view.sort !== "relevance" || view.query.trim()) ? view.sort
    : view.query.trim() ? "relevance" : "year-desc";

  function ask(message, handle) {
    const id = ++asked;
    worker.onmessage = ({ data }) => { if (data.id === id) handle(data); };
    worker.postMessage({ ...message, id });
  }

  function run() {
    input.value = view.query;
    ask({ kind: Message.FACETS, query: view.query }, data => {
      if (data.kind === Message.FACETS_ERROR) showFailure(data.error);
      else if (data.kind === Message.FACETS_RESULT) { last = data.data; render(); }
    });
  }

  function showFailure(detail) {
    last = null;
    facetsBox.innerHTML = "";
    out.innerHTML = `<p class="ra-find-error" role="alert">${escapeHTML(failure(detail))}</p>`;
  }
  // The worker itself failed to start (its script missing or broken): no answer will come.
  worker.addEventListener("error", event => showFailure(event.message || "search-worker.js"));

  /* Every value of a group among all the results, with how many of the results the other groups
   * let through have it: a value stays listed when its count is 0. */
  function counts(key) {
    const found = new Map();
    for (const r of last.results) for (const v of values(r, key)) if (!found.has(v)) found.set(v, 0);
    for (const r of last.results) if (keep(r, key)) for (const v of values(r, key)) found.set(v, found.get(v) + 1);
    return found;
  }

  const facetItem = (key, value, label, n, children = "") =>
    `<li><label${n ? "" : ' class="ra-none"'}><input type="checkbox" data-key="${key}" data-value="${escapeHTML(value)}"` +
    `${view.chosen[key].has(value) ? " checked" : ""}> ${escapeHTML(label)} <span class="ra-count">${n}</span></label>${children}</li>`;

  function yearList(found) {
    const years = [...found.keys()].sort((a, b) => (a === UNKNOWN_YEAR) - (b === UNKNOWN_YEAR) || +b - +a);
    return years.map(y => facetItem("year", y, y, found.get(y))).join("");
  }

  /* Regions as a tree: provinces, and under a province (or city) that is chosen or holds a
   * chosen one, its cities (or counties). A level's name is its path less its parent's. */
  function regionList(found) {
    const children = new Map();
    for (const r of last.results) {
      const levels = values(r, "region");
      levels.forEach((path, i) => {
        const parent = i ? levels[i - 1] : "";
        if (!children.has(parent)) children.set(parent, new Set());
        children.get(parent).add(path);
      });
    }
    const open = path => [...view.chosen.region].some(c => c.startsWith(path));
    const list = parent => [...(children.get(parent) || [])]
      .sort((a, b) => found.get(b) - found.get(a) || a.localeCompare(b, "zh"))
      .map(path => facetItem("region", path, path.slice(parent.length), found.get(path),
        open(path) && children.has(path) ? `<ul>${list(path)}</ul>` : "")).join("");
    return list("");
  }

  function topicList(found) {
    return [...found].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh"))
      .map(([t, n]) => facetItem("topic", t, t, n)).join("");
  }

  function sorted(results) {
    const sort = sortOf(), year = r => +r.year || 0;
    const byTitle = (a, b) => a.plainTitle.localeCompare(b.plainTitle, "zh");
    if (sort === "relevance") return results;   // the worker's order (ties: the newer first)
    if (sort === "title") return [...results].sort(byTitle);
    const sign = sort === "year-asc" ? 1 : -1;
    // Unknown years last either way.
    return [...results].sort((a, b) => (!year(a)) - (!year(b)) || sign * (year(a) - year(b)) || byTitle(a, b));
  }

  function render() {
    if (!last) return;
    const lists = { year: yearList, region: regionList, topic: topicList };
    facetsBox.innerHTML = GROUPS.map(([key, label]) =>
      `<div class="ra-facet"><h3>${label}</h3><ul>${lists[key](counts(key))}</ul></div>`).join("");
    const shown = sorted(last.results.filter(r => keep(r)));
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    view.page = Math.min(view.page, pages);
    const onPage = shown.slice((view.page - 1) * PAGE_SIZE, view.page * PAGE_SIZE);
    const filtered = shown.length !== last.results.length ? `（共 ${last.results.length} 篇，已筛选）` : "";
    let html = last.query.trim() ? `<p class="ra-find-count">找到 ${shown.length} 篇报告${filtered}</p>`
      : `<p class="ra-find-count">档案共 ${last.results.length} 篇报告${filtered ? `，筛选后 ${shown.length} 篇` : ""}</p>`;
    if (!last.results.length && last.query.trim()) {
      html = `<p class="ra-find-count">没有报告包含“${escapeHTML(last.query)}”。</p>` +
        (last.suggestion ? `<p class="ra-suggest">试试：<a href="?query=${encodeURIComponent(last.suggestion)}">${escapeHTML(last.suggestion)}</a></p>` : "");
    }
    const sorts = Object.entries(SORTS).filter(([key]) => key !== "relevance" || last.query.trim());
    if (shown.length) html += `<p class="ra-find-sort"><label>排序：<select name="sort">` +
      sorts.map(([key, label]) => `<option value="${key}"${key === sortOf() ? " selected" : ""}>${label}</option>`).join("") +
      "</select></label></p>";
    html += "<ol class=\"ra-find-list\" start=\"" + ((view.page - 1) * PAGE_SIZE + 1) + "\">" + onPage.map(r => {
      const url = new URL(r.url, base);
      if (last.parts.length) url.searchParams.set("h", last.parts.join(" "));
      const details = [r.year, r.region].filter(Boolean).join(" · ");
      return `<li data-doc="${r.doc}"><a href="${escapeHTML(url.href)}">${r.title}</a> <span class="ra-list-meta">${escapeHTML(details)}</span>` +
        (last.parts.length ? '<p class="ra-snippet"></p>' : "") + "</li>";
    }).join("") + "</ol>";
    if (pages > 1) html += `<nav class="ra-pages" aria-label="分页">` + Array.from({ length: pages }, (_, i) => i + 1)
      .map(n => n === view.page ? `<span aria-current="page">${n}</span>` : `<a href="#" data-page="${n}">${n}</a>`).join(" ") + "</nav>";
    out.innerHTML = html;
    if (last.parts.length && onPage.length) fillSnippets(onPage.map(r => r.doc));
  }

  /* Snippets of the results on the page, asked for once the list is shown. */
  function fillSnippets(docs) {
    const answer = last;
    ask({ kind: Message.SNIPPETS, query: last.query, docs }, data => {
      if (data.kind !== Message.SNIPPETS_RESULT || answer !== last) return;
      docs.forEach((doc, i) => {
        const p = out.querySelector(`li[data-doc="${doc}"] .ra-snippet`);
        if (p) p.innerHTML = data.snippets[i];
      });
    });
  }

  facetsBox.addEventListener("change", ({ target }) => {
    if (!target.dataset.key) return;
    const set = view.chosen[target.dataset.key];
    if (target.checked) set.add(target.dataset.value); else set.delete(target.dataset.value);
    view.page = 1;
    writeState(false);
    render();
  });
  out.addEventListener("change", ({ target }) => {
    if (target.name !== "sort") return;
    view.sort = target.value;
    view.page = 1;
    writeState(false);
    render();
  });
  out.addEventListener("click", event => {
    const page = event.target.dataset && event.target.dataset.page;
    if (!page) return;
    event.preventDefault();
    view.page = +page;
    writeState(true);
    render();
    root.scrollIntoView();
  });
  form.addEventListener("submit", event => {
    event.preventDefault();
    view.query = input.value;
    for (const [key] of GROUPS) view.chosen[key].clear();
    view.sort = "";
    view.page = 1;
    writeState(true);
    run();
  });
  window.addEventListener("popstate", () => { Object.assign(view, readState()); run(); });
  // The filters fold away on a phone, and stay open on a wider screen.
  const filters = root.querySelector(".ra-find-filters");
  if (filters && window.matchMedia("(min-width: 45em)").matches) filters.open = true;
  run();
})();
