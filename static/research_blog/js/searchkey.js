/* "/" anywhere on the site puts the cursor in the search box (the header's, or the search page's own),
   as on most sites with search; not while the reader is typing in a field. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    var box = document.getElementById("search-q") || document.getElementById("site-search-q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });
})();
