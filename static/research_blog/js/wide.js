/* Wide display equations, code and tables.
   On a wide screen a block wider than the column may use the right margin, as
   Tufte CSS and distill.pub let figures break out, but only where no sidenote
   stands beside it. What still does not fit scrolls (site.css draws a shadow at
   the cut edge, with or without this script) and becomes a labelled region a
   keyboard can reach and scroll. */
(function () {
  "use strict";
  var body = document.querySelector(".post-body");
  if (!body) { return; }
  var wideScreen = window.matchMedia("(min-width: 1280px)");
  var GAP = 16;  // px kept clear between a widened block and the window's edge

  // [block that widens, element that scrolls, its label]
  function regions() {
    var found = [];
    body.querySelectorAll(".math-display").forEach(function (block) {
      var tag = block.querySelector(".katex-html > .tag");
      found.push([block, block, tag ? "Equation " + tag.textContent.trim() : "Equation"]);
    });
    body.querySelectorAll(".highlight").forEach(function (block) {
      var pre = block.querySelector("pre");
      var label = block.querySelector(".code-lang");
      if (pre) { found.push([block, pre, label ? "Code: " + label.textContent.trim() : "Code"]); }
    });
    // A table keeps to the column (its cells wrap first); it only scrolls.
    body.querySelectorAll("table").forEach(function (table) { found.push([null, table, "Table"]); });
    return found;
  }

  function overflows(element) { return element.scrollWidth > element.clientWidth + 1; }

  function besideASidenote(block, notes) {
    var box = block.getBoundingClientRect();
    return notes.some(function (note) {
      var n = note.getBoundingClientRect();
      return n.height > 0 && n.top < box.bottom && n.bottom > box.top;
    });
  }

  function focusable(scroller, label, scrolls) {
    if (scrolls) {
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("role", "region");
      scroller.setAttribute("aria-label", label);
    } else if (scroller.getAttribute("role") === "region") {
      scroller.removeAttribute("tabindex");
      scroller.removeAttribute("role");
      scroller.removeAttribute("aria-label");
    }
  }

  /* Reads and writes are batched (reset all, measure all, widen all, then mark the
     ones still scrolling): a post has dozens of blocks, and a read after each
     write would lay the whole page out again each time. */
  function layout() {
    var found = regions();
    found.forEach(function (region) { if (region[0]) { region[0].style.marginRight = ""; } });
    var notes = Array.from(body.querySelectorAll(".sidenote"));
    // The room right of the column: up to the window's edge, less a gap.
    var room = Math.max(0, document.documentElement.clientWidth - body.getBoundingClientRect().right - GAP);
    var widths = found.map(function (region) {
      var block = region[0], scroller = region[1];
      if (!block || !wideScreen.matches || !overflows(scroller) || besideASidenote(block, notes)) { return 0; }
      return Math.min(scroller.scrollWidth - scroller.clientWidth + 2, room);
    });
    found.forEach(function (region, index) {
      if (widths[index]) { region[0].style.marginRight = -widths[index] + "px"; }
    });
    var scrolling = found.map(function (region) { return overflows(region[1]); });
    found.forEach(function (region, index) { focusable(region[1], region[2], scrolling[index]); });
  }

  var pending = null;
  function later() {
    if (pending) { cancelAnimationFrame(pending); }
    pending = requestAnimationFrame(function () { pending = null; layout(); });
  }
  layout();
  // KaTeX's fonts change the formulas' widths when they arrive.
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(later); }
  window.addEventListener("load", later);
  window.addEventListener("resize", later, { passive: true });
})();
