/* Mark the section being read in the side table of contents.
   Without JavaScript (or IntersectionObserver) the contents are a plain list. */
(function () {
  "use strict";
  var toc = document.querySelector(".toc-side");
  if (!toc || !("IntersectionObserver" in window)) { return; }
  var links = new Map();
  toc.querySelectorAll("a[href^='#']").forEach(function (link) {
    var heading = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (heading) { links.set(heading, link); }
  });
  if (!links.size) { return; }
  var headings = Array.from(links.keys());
  var visible = new Set();
  var current = null;

  function mark(heading) {
    if (heading === current) { return; }
    if (current) { links.get(current).removeAttribute("aria-current"); }
    current = heading;
    if (current) {
      links.get(current).setAttribute("aria-current", "location");
      keepInView(links.get(current));
    }
  }

  /* A long contents list scrolls inside the rail: keep the marked entry in the
     rail's visible box by scrolling the rail alone (scrollIntoView would move the
     page too). */
  function keepInView(link) {
    if (toc.scrollHeight <= toc.clientHeight) { return; }
    var box = toc.getBoundingClientRect(), entry = link.getBoundingClientRect();
    var margin = Math.min(48, toc.clientHeight / 4);
    if (entry.top < box.top + margin) {
      toc.scrollTop -= box.top + margin - entry.top;
    } else if (entry.bottom > box.bottom - margin) {
      toc.scrollTop += entry.bottom - (box.bottom - margin);
    }
  }

  /* The section being read: the first heading in the upper part of the window, else
     the last one above it (a long section whose heading has scrolled away). */
  function update() {
    var inView = headings.filter(function (h) { return visible.has(h); });
    if (inView.length) { mark(inView[0]); return; }
    var line = window.innerHeight * 0.45;
    var above = headings.filter(function (h) { return h.getBoundingClientRect().top < line; });
    mark(above.length ? above[above.length - 1] : null);
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { visible.add(entry.target); } else { visible.delete(entry.target); }
    });
    update();
  }, { rootMargin: "0px 0px -55% 0px" });
  headings.forEach(function (heading) { observer.observe(heading); });
  // A jump (a contents link, the End key) can pass headings without any crossing the band.
  window.addEventListener("scrollend", update, { passive: true });
})();
