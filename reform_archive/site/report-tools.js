// reform-archive: a report page's citation. The page was built before the reader came: today's
// date becomes the access date (引用日期), the page's own address the one cited when the site
// has no absolute site_url, and each form gets a copy button. No request, no other script.
(function () {
  "use strict";
  function today() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }
  function pageAddress() {
    return location.protocol === "file:" ? location.href.split("#")[0] : location.origin + location.pathname;
  }
  function copyText(text, button) {
    const done = () => { button.textContent = "已复制"; setTimeout(() => { button.textContent = "复制"; }, 2000); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => fallback(text) && done());
    } else if (fallback(text)) {
      done();
    }
  }
  function fallback(text) {  // http:// on another host, file://: no async clipboard there
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }
  function setUp(block) {
    const date = today();
    block.querySelectorAll(".ra-cite-date").forEach((el) => { el.textContent = date; });
    block.querySelectorAll(".ra-cite-url").forEach((el) => {
      if (!/^https?:\/\//.test(el.textContent)) el.textContent = pageAddress();
    });
    block.querySelectorAll(".ra-cite-text").forEach((text) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ra-cite-copy md-button";
      button.textContent = "复制";
      button.setAttribute("aria-label", "复制引用：" + (text.previousElementSibling ? text.previousElementSibling.textContent : ""));
      button.addEventListener("click", () => copyText(text.textContent.trim(), button));
      text.insertAdjacentElement("afterend", button);
    });
  }
  function start() { document.querySelectorAll(".ra-cite").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
