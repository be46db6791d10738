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
      p.innerHTML = `没有报告包含“${escapeHTML(data.query)}”。试试：<a href="#">${escapeHTML(data.suggestion)}</a>`;
      p.querySelector("a").addEventListener("click", event => {
        event.preventDefault();
        input.value = data.suggestion;
        input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
        input.focus();
      });
      meta.after(p);
    });
  }

  /* The search page: all matches, narrowed by year, region and topic, with counts. */
  const root = document.getElementById("ra-find");
  if (!root) return;
  const worker = new Worker(workerUrl);
  const form = root.querySelector("form");
  const input = root.querySelector("input[name=q]");
  const out = root.querySelector(".ra-find-results");
  const facetsBox = root.querySelector(".ra-find-facets");
  let last = null;
  const chosen = { year: null, province: null, topic: null };
  // A result's facet values, as the worker gives them (it reads each index segment's facets).
  const values = (r, key) => key === "year" ? [r.facets.year || "未知"]
    : key === "province" ? [r.facets.province || "未标注地区"] : r.facets.topics;

  let asked = 0;   // the id of the newest request: only its answer is shown

  function run(query) {
    const id = ++asked;
    worker.onmessage = ({ data }) => {
      if (data.id !== id) return;
      if (data.kind === Message.FACETS_ERROR) showFailure(data.error);
      else if (data.kind === Message.FACETS_RESULT) { last = data.data; render(); }
    };
    worker.postMessage({ kind: Message.FACETS, id, query });
  }

  function showFailure(detail) {
    last = null;
    facetsBox.innerHTML = "";
    out.innerHTML = `<p class="ra-find-error" role="alert">${escapeHTML(failure(detail))}</p>`;
  }
  // The worker itself failed to start (its script missing or broken): no answer will come.
  worker.addEventListener("error", event => showFailure(event.message || "search-worker.js"));

  function count(results, key) {
    const counts = new Map();
    for (const r of results) {
      for (const v of values(r, key)) counts.set(v, (counts.get(v) || 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  }

  function keep(r) {
    return ["year", "province", "topic"].every(key =>
      chosen[key] === null || values(r, key).some(v => String(v) === String(chosen[key])));
  }

  function render() {
    if (!last) return;
    const shown = last.results.filter(keep);
    const groups = [["year", "年份"], ["province", "地区"], ["topic", "主题"]];
    facetsBox.innerHTML = groups.map(([key, label]) => `<div class="ra-facet"><h3>${label}</h3><ul>` +
      count(shown, key).map(([value, n]) => `<li><label><input type="checkbox" data-key="${key}" data-value="${escapeHTML(value)}"` +
        `${String(chosen[key]) === String(value) ? " checked" : ""}> ${escapeHTML(value)} <span class="ra-count">${n}</span></label></li>`).join("") +
      "</ul></div>").join("");
    facetsBox.querySelectorAll("input").forEach(box => box.addEventListener("change", () => {
      chosen[box.dataset.key] = box.checked ? box.dataset.value : null;
      render();
    }));
    let html = `<p class="ra-find-count">找到 ${shown.length} 篇报告` +
      (shown.length !== last.results.length ? `（共 ${last.results.length} 篇，已筛选）` : "") + "</p>";
    if (!last.results.length && last.query.trim()) {
      html = `<p class="ra-find-count">没有报告包含“${escapeHTML(last.query)}”。</p>` +
        (last.suggestion ? `<p class="ra-suggest">试试：<a href="?query=${encodeURIComponent(last.suggestion)}">${escapeHTML(last.suggestion)}</a></p>` : "");
    }
    html += "<ol class=\"ra-find-list\">" + shown.map(r => {
      const url = new URL(r.url, base);
      url.searchParams.set("h", last.parts.join(" "));
      const details = [r.year, r.region].filter(Boolean).join(" · ");
      return `<li><a href="${escapeHTML(url.href)}">${r.title}</a> <span class="ra-list-meta">${escapeHTML(details)}</span>` +
        (r.snippet ? `<p>${r.snippet}</p>` : "") + "</li>";
    }).join("") + "</ol>";
    out.innerHTML = html;
  }

  form.addEventListener("submit", event => {
    event.preventDefault();
    const query = input.value;
    history.replaceState(null, "", `?query=${encodeURIComponent(query)}`);
    chosen.year = chosen.province = chosen.topic = null;
    run(query);
  });
  // `?query=`, not `?q=`: Material opens its header search on `?q=`.
  const initial = new URLSearchParams(location.search).get("query");
  if (initial) { input.value = initial; run(initial); }
})();
