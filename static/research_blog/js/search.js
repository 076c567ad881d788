/* Search as you type, with lunr.js over the posts' text the blog serves (search-index.json).
   The index is built here, once, as soon as the text arrives: the reader's first keystroke
   then only searches. The form says where the text and the blog's root are (data-index,
   data-root), so the same file works served, frozen at any sub-path and under a prefix. */
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form || !window.lunr) { return; }
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var index = null;
  var docs = [];
  var MAX_RESULTS = 20;
  form.hidden = false;

  /* payload.documents[n] holds post n's text for each of payload.fields, in their order;
     the post's ref is n, its position in payload.docs too. */
  function build(payload) {
    return lunr(function () {
      var builder = this;
      payload.fields.forEach(function (field) { builder.field(field.name, { boost: field.boost }); });
      payload.documents.forEach(function (texts, n) {
        var doc = { id: String(n) };
        payload.fields.forEach(function (field, i) { doc[field.name] = texts[i]; });
        builder.add(doc);
      });
    });
  }

  function tokens(text) {
    return lunr.tokenizer(text).map(function (token) { return token.toString(); })
      .filter(function (word) { return /[\p{L}\p{N}]/u.test(word); });
  }

  /* Every word but the last must be in a post; the last may still be typed, so
     it also matches as a prefix ("optim" finds "optimisers"). */
  function find(text) {
    var words = tokens(text);
    if (!words.length) { return []; }
    return index.query(function (query) {
      words.forEach(function (word, i) {
        var last = i === words.length - 1;
        query.term(word, { presence: last ? lunr.Query.presence.OPTIONAL : lunr.Query.presence.REQUIRED });
        if (last) {
          query.term(word, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 0.5 });
        }
      });
    });
  }

  function item(doc) {
    var li = document.createElement("li");
    li.className = "search-result";
    var link = document.createElement("a");
    link.href = form.dataset.root + doc[0] + "/";
    link.textContent = doc[1];
    var heading = document.createElement("h2");
    heading.className = "post-card-title";
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "post-meta";
    var date = document.createElement("time");
    date.dateTime = doc[3];
    date.textContent = doc[4];
    var minutes = document.createElement("span");
    minutes.textContent = doc[5] + " min read";
    var dot = document.createElement("span");
    dot.setAttribute("aria-hidden", "true");
    dot.textContent = "•";
    meta.append(date, dot, minutes);
    var summary = document.createElement("p");
    summary.className = "post-card-summary";
    summary.textContent = doc[2];
    li.append(heading, meta, summary);
    return li;
  }

  function show(text) {
    var query = text.trim();
    var results = query ? find(query) : [];
    list.replaceChildren.apply(list, results.slice(0, MAX_RESULTS).map(function (r) { return item(docs[+r.ref]); }));
    if (!query) {
      status.textContent = "Type to search " + docs.length + " posts.";
    } else if (!results.length) {
      status.textContent = "No post matches “" + query + "”.";
    } else {
      status.textContent = results.length + (results.length === 1 ? " post matches" : " posts match") + " “" + query + "”" +
        (results.length > MAX_RESULTS ? "; the best " + MAX_RESULTS + " are shown." : ".");
    }
  }

  /* Keep the query in the address (a reload or a shared link shows the same results),
     once typing pauses: every change of address makes the browser look at the favicon again. */
  var pending = 0;
  function remember(text) {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      var url = new URL(window.location.href);
      if (text.trim()) { url.searchParams.set("q", text.trim()); } else { url.searchParams.delete("q"); }
      window.history.replaceState(null, "", url);
    }, 400);
  }

  status.textContent = "Loading the index…";
  fetch(form.dataset.index)
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (payload) {
      // A cache may still hold the JSON of an older blog (version 1 held an index lunr.py built).
      if (payload.version !== 2) { throw new Error("index format " + payload.version + ", expected 2"); }
      index = build(payload);
      docs = payload.docs;
      input.value = new URLSearchParams(window.location.search).get("q") || input.value;
      show(input.value);
      form.dataset.state = "ready";
      input.addEventListener("input", function () { show(input.value); remember(input.value); });
      form.addEventListener("submit", function (event) { event.preventDefault(); show(input.value); remember(input.value); });
    })
    .catch(function (error) {
      status.textContent = "The search index could not be loaded (" + error.message + "). Every post is listed on the front page.";
    });
})();
