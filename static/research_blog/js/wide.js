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

  // Each region: the block that widens (none for a table), the element that scrolls, its
  // label, and the element site.css may leave unrendered while it is far from the screen.
  function regions() {
    var found = [];
    body.querySelectorAll(".math-display").forEach(function (block) {
      var tag = block.querySelector(".katex-html > .tag");
      found.push({ block: block, scroller: block, shown: block,
                   label: tag ? "Equation " + tag.textContent.trim() : "Equation" });
    });
    body.querySelectorAll(".highlight").forEach(function (block) {
      var pre = block.querySelector("pre");
      var label = block.querySelector(".code-lang");
      if (pre) {
        found.push({ block: block, scroller: pre, shown: block, label: label ? "Code: " + label.textContent.trim() : "Code" });
      }
    });
    // A table keeps to the column (its cells wrap first); it only scrolls.
    body.querySelectorAll("table").forEach(function (table) {
      found.push({ block: null, scroller: table, shown: table, label: "Table" });
    });
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

  /* One chunk of regions, measured with reads and writes batched (reset all, measure
     all, widen all, then mark the ones still scrolling): a read after each write would
     lay the page out again each time. site.css does not render a block far from the
     screen (content-visibility), so each is shown while it is measured. */
  function measure(chunk, notes, room) {
    chunk.forEach(function (region) {
      if (region.block) { region.block.style.marginRight = ""; }
      region.shown.style.contentVisibility = "visible";
    });
    var widths = chunk.map(function (region) {
      var block = region.block, scroller = region.scroller;
      if (!block || !wideScreen.matches || !overflows(scroller) || besideASidenote(block, notes)) { return 0; }
      return Math.min(scroller.scrollWidth - scroller.clientWidth + 2, room);
    });
    chunk.forEach(function (region, index) {
      if (widths[index]) { region.block.style.marginRight = -widths[index] + "px"; }
    });
    var scrolling = chunk.map(function (region) { return overflows(region.scroller); });
    chunk.forEach(function (region, index) {
      focusable(region.scroller, region.label, scrolling[index]);
      region.shown.style.contentVisibility = "";
    });
  }

  /* A pass over every region, a few per task: laying out a long post's equations
     at once is a task of hundreds of milliseconds on a phone, and a page that does
     not answer meanwhile. <html data-wide-blocks> says "measuring" until it ends. */
  var CHUNK = 8;
  var passes = 0;
  function layout() {
    var pass = ++passes;
    var found = regions();
    var notes = Array.from(body.querySelectorAll(".sidenote"));
    // The room right of the column: up to the window's edge, less a gap.
    var room = Math.max(0, document.documentElement.clientWidth - body.getBoundingClientRect().right - GAP);
    function next(start) {
      if (pass !== passes) { return; }  // a newer pass (fonts arrived, a resize) took over
      if (start >= found.length) { document.documentElement.dataset.wideBlocks = "measured"; return; }
      measure(found.slice(start, start + CHUNK), notes, room);
      setTimeout(function () { next(start + CHUNK); }, 0);
    }
    next(0);
  }

  var pending = null;
  function later() {
    document.documentElement.dataset.wideBlocks = "measuring";
    if (pending) { cancelAnimationFrame(pending); }
    pending = requestAnimationFrame(function () { pending = null; layout(); });
  }
  document.documentElement.dataset.wideBlocks = "measuring";
  layout();
  // KaTeX's fonts change the formulas' widths when they arrive.
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(later); }
  window.addEventListener("load", later);
  window.addEventListener("resize", later, { passive: true });
})();
