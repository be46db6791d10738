/* reform-archive: the site opened from disk (file://), where a page may neither fetch a file nor
 * start a worker from one ("cannot be accessed from origin 'null'"). Loaded before Material's
 * bundle (overrides/main.html); does nothing over http(s).
 *
 * - `Worker` becomes a worker run in the page: its script, and every file it fetches, are read
 *   from their script copies `X.js` (site/disk.py, written by `reform-archive build --for-disk`),
 *   which hand their bytes to `__raFile`. Material's header search and the search page both
 *   create their worker this way, unchanged.
 * - A click on a link to a folder opens the folder's index.html (links the build did not write:
 *   search results).
 */
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  /* --- files, read through their script copies --- */
  const waiting = new Map();    // absolute URL of a copy being loaded -> its resolve function
  window.__raFile = function (base64) {
    const src = document.currentScript && document.currentScript.src;
    const resolve = waiting.get(src);
    if (!resolve) return;
    waiting.delete(src);
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    resolve(bytes);
  };
  const loading = new Map();    // the same, -> Promise of the bytes while it loads
  function readFile(url) {
    const script = document.createElement("script");
    script.src = new URL(url, location.href).href.split("#")[0] + ".js";
    const src = script.src;
    if (loading.has(src)) return loading.get(src);
    const promise = new Promise((resolve, reject) => {
      waiting.set(src, resolve);
      const fail = why => { waiting.delete(src); reject(new Error(`${url}: ${why}`)); };
      script.onerror = () => fail("not found (was the site built with --for-disk?)");
      script.onload = () => { if (waiting.has(src)) fail("no data in its script copy"); };
      document.head.appendChild(script);
    }).finally(() => { loading.delete(src); script.remove(); });
    loading.set(src, promise);
    return promise;
  }
  const pageFetch = window.fetch.bind(window);
  function fileFetch(input, init) {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url, location.href);
    if (url.protocol !== "file:") return pageFetch(input, init);
    return readFile(url.href).then(bytes => new Response(bytes),
      error => new Response(String(error.message), { status: 404, statusText: "Not Found" }));
  }

  /* --- a worker that runs in the page --- */
  class PageWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      const href = new URL(url, location.href).href;
      const scope = this.scope = new EventTarget();
      scope.location = new URL(href);
      scope.postMessage = data => {
        const copy = structuredClone(data);
        setTimeout(() => this.emit(new MessageEvent("message", { data: copy })));
      };
      this.ready = readFile(href).then(bytes => {
        const source = new TextDecoder().decode(bytes);
        // The worker's own script, with `self` and `fetch` its scope's: nothing else changes.
        new Function("self", "fetch", source)(scope, fileFetch);
      }).catch(error => {
        console.error("reform-archive:", error);
        this.emit(new ErrorEvent("error", { message: String(error && error.message || error) }));
      });
    }
    emit(event) {
      this.dispatchEvent(event);
      const handler = this["on" + event.type];
      if (typeof handler === "function") handler.call(this, event);
    }
    postMessage(data) {
      const copy = structuredClone(data);
      this.ready.then(() => setTimeout(() => this.scope.dispatchEvent(new MessageEvent("message", { data: copy }))));
    }
    terminate() {}
  }
  window.Worker = PageWorker;

  /* --- links to folders --- */
  document.addEventListener("click", event => {
    const link = event.target instanceof Element && event.target.closest("a[href]");
    if (!link) return;
    const url = new URL(link.href, location.href);
    if (url.protocol === "file:" && url.pathname.endsWith("/")) {
      url.pathname += "index.html";
      link.href = url.href;
    }
  }, true);
})();
