/* The search page: Pagefind's index, queried from the address and as the reader types.

   The form names the index's pagefind.js (data-bundle, under a version that changes with the
   index) and the blog's root (data-root), so the same file works served, frozen at any sub-path
   and under a prefix. pagefind.js loads only the fragments of the index that hold the query's
   words. Results are built with DOM calls: a post's title is text, and an excerpt keeps Pagefind's
   <mark> elements and nothing else, whatever the post says. While a served blog is still building
   its index, the page has no data-bundle: the script asks for the page again until it has one. */
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name=q]");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var MAX_RESULTS = 20;
  /* Each result shown costs a download of its post's fragment (3-5 KB: the post's whole text, for
     the excerpt): the first five, a screenful on a laptop, come at once, the rest of the 20 when
     the reader scrolls near the end of the list. */
  var FIRST_RESULTS = 5;
  var more = document.createElement("div");
  more.className = "search-more";
  list.after(more);
  var loadRest = null;
  if (window.IntersectionObserver) {
    new IntersectionObserver(function (entries) {
      if (entries[0].isIntersecting && loadRest) { var load = loadRest; loadRest = null; load(); }
    }, { rootMargin: "600px" }).observe(more);
  }
  var pagefind = null;
  var latest = 0;  // the number of the last search started: an older one that ends later is dropped
  form.hidden = false;

  function parameters() { return new URLSearchParams(window.location.search); }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (select) { if (select.value) { filters[select.dataset.filter] = select.value; } });
    return filters;
  }

  /* Pagefind's excerpt is HTML: its text escaped, the matched words in <mark>. It is parsed in an
     inert document and copied over as text and <mark> only. */
  function excerpt(html) {
    var p = document.createElement("p");
    p.className = "post-card-summary search-excerpt";
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html").body;
    // An excerpt is cut out of the text: say so where it stops mid-sentence.
    if (!/[.!?…:]\s*$/.test(parsed.textContent)) { parsed.appendChild(document.createTextNode(" …")); }
    parsed.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  /* The section the words are under: the sub-result with the most matches, if it is a heading's. */
  function bestSection(data) {
    var best = null;
    (data.sub_results || []).forEach(function (sub) {
      if (!best || (sub.locations || []).length > (best.locations || []).length) { best = sub; }
    });
    return best && best.url.indexOf("#") > 0 ? best : null;
  }

  function item(data) {
    var section = bestSection(data);
    var li = document.createElement("li");
    li.className = "search-result";
    var heading = document.createElement("h2");
    heading.className = "post-card-title";
    var link = document.createElement("a");
    link.href = section ? section.url : data.url;
    link.textContent = data.meta.title || data.url;
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "post-meta";
    var date = document.createElement("time");
    date.dateTime = data.meta.date || "";
    date.textContent = data.meta.shown || "";
    var minutes = document.createElement("span");
    minutes.textContent = (data.meta.minutes || "?") + " min read";
    var dot = document.createElement("span");
    dot.setAttribute("aria-hidden", "true");
    dot.textContent = "•";
    meta.append(date, dot, minutes);
    li.append(heading, meta);
    if (section) {
      var where = document.createElement("p");
      where.className = "search-section";
      where.textContent = "§ " + section.title;
      li.appendChild(where);
    }
    li.appendChild(excerpt(section ? section.excerpt : data.excerpt));
    return li;
  }

  function describe(query, count) {
    if (!count) { return "No post matches “" + query + "”."; }
    return count + (count === 1 ? " post matches" : " posts match") + " “" + query + "”" +
      (count > MAX_RESULTS ? "; the best " + MAX_RESULTS + " are shown." : ".");
  }

  function show(text) {
    var query = text.trim();
    var filters = chosenFilters();
    var number = ++latest;
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      status.textContent = "Type to search the posts.";
      form.dataset.shown = "";
      return Promise.resolve();
    }
    // An empty query with a filter lists the filter's posts (Pagefind's null search).
    loadRest = null;
    return pagefind.search(query || null, { filters: filters }).then(function (found) {
      if (number !== latest || !found) { return; }
      var wanted = found.results.slice(0, MAX_RESULTS);
      var rest = wanted.slice(FIRST_RESULTS);
      return Promise.all(wanted.slice(0, FIRST_RESULTS).map(function (r) { return r.data(); }))
        .then(function (results) {
          if (number !== latest) { return; }
          list.replaceChildren.apply(list, results.map(item));
          status.textContent = query ? describe(query, found.results.length)
            : found.results.length + (found.results.length === 1 ? " post" : " posts") + " in this selection.";
          form.dataset.shown = query;  // what the results are for (tests wait for it)
          if (rest.length) {
            loadRest = function () {
              Promise.all(rest.map(function (r) { return r.data(); })).then(function (others) {
                if (number === latest) { list.append.apply(list, others.map(item)); }
              });
            };
            // Already near the end of the list (a tall window): the observer will not fire again.
            if (!window.IntersectionObserver || more.getBoundingClientRect().top < window.innerHeight + 600) {
              var load = loadRest; loadRest = null; load();
            }
          }
        });
    });
  }

  /* Keep the query and filters in the address (a reload or a shared link shows the same results),
     once typing pauses: every change of address makes the browser look at the favicon again. */
  var pending = 0;
  function remember() {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      var url = new URL(window.location.href);
      var values = { q: input.value.trim() };
      selects.forEach(function (select) { values[select.name] = select.value; });
      Object.keys(values).forEach(function (key) {
        if (values[key]) { url.searchParams.set(key, values[key]); } else { url.searchParams.delete(key); }
      });
      window.history.replaceState(null, "", url);
    }, 400);
  }

  /* Arrow keys move from the box through the results and back; Enter opens the focused link. */
  form.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && event.target === input) {
      var first = list.querySelector("a");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  list.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
    var links = Array.prototype.slice.call(list.querySelectorAll(".search-result h2 a"));
    var at = links.indexOf(document.activeElement);
    if (at < 0) { return; }
    event.preventDefault();
    var next = at + (event.key === "ArrowDown" ? 1 : -1);
    if (next < 0) { input.focus(); } else if (next < links.length) { links[next].focus(); }
  });

  /* A blog with no posts yet has no index (data-bundle=""): every search finds nothing. */
  var NOTHING = {
    options: function () { return Promise.resolve(); }, init: function () {},
    search: function () { return Promise.resolve({ results: [] }); }
  };

  function start(bundleUrl) {
    return (bundleUrl ? import(bundleUrl) : Promise.resolve(NOTHING)).then(function (module) {
      pagefind = module;
      /* In this page's own thread, not Pagefind's worker: the page preloads the WebAssembly and the
         index's metadata (search.html), which a worker would fetch a second time, and the worker's
         script is 12 KB more to download, for a search that takes tens of milliseconds. */
      return pagefind.options({ baseUrl: form.dataset.root, excerptLength: 24, noWorker: true });
    }).then(function () {
      pagefind.init();
      input.value = parameters().get("q") || input.value;
      input.addEventListener("input", function () { show(input.value); remember(); });
      selects.forEach(function (select) {
        select.addEventListener("change", function () { show(input.value); remember(); });
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); show(input.value); remember(); });
      return show(input.value);
    }).then(function () {
      form.dataset.state = "ready";
    });
  }

  /* A served blog builds its index in the background: ask for this page again until it names one. */
  function waitForIndex() {
    status.textContent = "The search index is being built…";
    return new Promise(function (resolve, reject) {
      function ask() {
        fetch(window.location.pathname, { cache: "no-store" }).then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        }).then(function (page) {
          var again = new DOMParser().parseFromString(page, "text/html").querySelector(".search-form");
          if (again && "bundle" in again.dataset) { resolve(again.dataset.bundle); }
          else if (again && again.dataset.error) { reject(new Error(again.dataset.error)); }
          else { window.setTimeout(ask, 1000); }
        }).catch(reject);
      }
      window.setTimeout(ask, 500);
    });
  }

  input.value = parameters().get("q") || "";
  /* The filters' choices are in the page (the server counts them): only the address picks one. */
  selects.forEach(function (select) { select.value = parameters().get(select.name) || ""; });
  var ready = "bundle" in form.dataset ? Promise.resolve(form.dataset.bundle) : waitForIndex();
  ready.then(start).catch(function (error) {
    status.textContent = "The search index could not be loaded (" + error.message + "). Every post is listed on the front page.";
  });
})();
