// Live reload (dev server with --debug only): reload the page when the server says a file changed,
// keeping the reader's place. The script tag carries the events URL in data-events.
(function () {
  "use strict";
  var script = document.currentScript;
  var key = "research-blog-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = Number(saved);
    // Restore once the page (and its fonts and figures) has its final height.
    var restore = function () { window.scrollTo(0, y); };
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
  }
  var source = new EventSource(script.dataset.events);
  source.onmessage = function (event) {
    if (event.data !== "reload") return;
    source.close();
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  };
  // Closing the stream before the page goes away keeps the dev server's threads free.
  window.addEventListener("pagehide", function () { source.close(); });
})();
