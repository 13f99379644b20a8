/* Hindsight archive: search with Pagefind, in the header and on the page of all results.

   The index is pagefind/ at the site's root, built by the hindsight plugin at the end of
   `mkdocs build`. Its script is loaded only when someone reaches for search (focus, "/" or
   "s"), and a query fetches only the chunks of the index its words need. Everything comes
   from this site: the root is worked out from this script's own address, so the archive
   works under a sub-path (GitHub Pages) and from any static host. */
(function () {
  "use strict";
  var SCRIPT = document.currentScript;
  var ROOT = new URL("../../", SCRIPT ? SCRIPT.src : location.href);  // assets/hindsight/ -> root
  var FACETS = [
    ["severity", "Severity"], ["status", "Status"], ["service", "Service"],
    ["year", "Year"], ["tag", "Tag"]
  ];
  var SHOWN = 8, PAGE = 20;
  var engine = null;

  function pagefind() {  // the Pagefind module, loaded once, on first need
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", ROOT).href).then(function (pf) {
        return pf.options({ baseUrl: ROOT.pathname }).then(function () { return pf; });
      });
    }
    return engine;
  }

  function element(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  /* Pagefind's excerpt marks the words found with <mark>; keep that and nothing else. */
  function excerpt(htmlText) {
    var template = document.createElement("template");
    template.innerHTML = htmlText || "";
    var out = element("p", "hs-result__excerpt");
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        out.appendChild(element("mark", "", node.textContent));
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function result(data) {
    var meta = data.meta || {};
    var link = element("a", "hs-result");
    link.href = data.url;
    link.appendChild(element("span", "hs-result__title", meta.title || data.url));
    var facts = element("span", "hs-result__facts");
    if (meta.severity) {
      facts.appendChild(element("span", "hs-sev hs-sev-" + (meta.rank || 0), meta.severity));
    }
    if (meta.status) { facts.appendChild(element("span", "hs-result__status", meta.status)); }
    if (meta.id) { facts.appendChild(element("code", "hs-result__id", meta.id)); }
    if (meta.date) { facts.appendChild(element("time", "hs-result__date", meta.date)); }
    if (facts.childNodes.length) { link.appendChild(facts); }
    link.appendChild(excerpt(data.excerpt));
    var item = element("li");
    item.appendChild(link);
    return item;
  }

  /* An exact id typed in full goes first, whatever the ranking made of its words. */
  function exactFirst(items, term) {
    var wanted = term.trim().toLowerCase();
    var at = items.findIndex(function (d) { return (d.meta.id || "").toLowerCase() === wanted; });
    if (at > 0) { items.unshift(items.splice(at, 1)[0]); }
    return items;
  }

  /* Pagefind answers a word it does not know with pages holding a word that starts like it
     ("canaryx" finds "can"): keep a result only when a word it marks is the word typed, give
     or take an ending (stemming) or the rest of a word still being typed. */
  function matches(data, term) {
    var words = term.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (!words.length) { return true; }
    var marks = (data.excerpt || "").match(/<mark>[^<]*<\/mark>/g) || [];
    marks = marks.map(function (m) {  // "#dns" is the tag dns
      return m.slice(6, -7).toLowerCase().replace(/^[^\p{L}\p{N}]+/u, "");
    });
    return words.some(function (w) {
      var stem = w.slice(0, Math.max(3, w.length - 3));
      return marks.some(function (m) { return m.indexOf(stem) === 0; });
    });
  }

  /* One query at a time, the latest asked, for each box. Pagefind's WebAssembly answers one
     query after another, and a common word costs it most of a second at 10,000 incidents;
     typed letter by letter ("r", "ru", "run"…) it would queue a query per letter. So a query
     asked while another of the same box runs waits, and is dropped (its promise gives null)
     when a newer one is asked; words being typed wait `delay` ms for the next key first. */
  var TYPING = 120;
  function queue() {
    var busy = false, waiting = null, timer = 0;
    function runWaiting() {
      var entry = waiting;
      waiting = null;
      if (!entry) { return; }
      busy = true;
      pagefind().then(function (pf) {
        return pf.search(entry.term || null, { filters: entry.filters });
      }).then(entry.resolve, function (error) {
        console.warn("search:", error);
        entry.resolve(null);
      }).then(function () {
        busy = false;
        if (waiting && !timer) { runWaiting(); }
      });
    }
    return function run(term, filters, delay) {
      if (waiting) { waiting.resolve(null); }
      var entry = { term: term, filters: filters || {} };
      var promise = new Promise(function (resolve) { entry.resolve = resolve; });
      waiting = entry;
      clearTimeout(timer);
      timer = 0;
      if (delay) {
        timer = setTimeout(function () { timer = 0; if (!busy) { runWaiting(); } }, delay);
      } else if (!busy) {
        runWaiting();
      }
      return promise;
    };
  }

  function pageUrl(term, filters) {
    var url = new URL("search/", ROOT);
    if (term) { url.searchParams.set("q", term); }
    Object.keys(filters || {}).forEach(function (f) { url.searchParams.set(f, filters[f]); });
    return url.href;
  }

  /* --- the box in the header ------------------------------------------------------------ */

  function headerBox() {
    if (document.getElementById("hs-search")) { return; }
    var form = element("form", "hs-search");
    form.id = "hs-search";
    form.setAttribute("role", "search");
    form.action = new URL("search/", ROOT).href;
    var input = element("input", "hs-search__input");
    input.type = "search";
    input.name = "q";
    input.placeholder = "Search";
    input.autocomplete = "off";
    input.setAttribute("aria-label", "Search the archive");
    input.setAttribute("aria-keyshortcuts", "/ s");
    var list = element("ol", "hs-search__results");
    list.id = "hs-search-results";
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    form.appendChild(input);
    form.appendChild(list);
    var header = document.querySelector(".md-header__inner");
    if (header) {
      header.insertBefore(form, header.querySelector(".md-header__source"));
    } else {
      document.body.insertBefore(form, document.body.firstChild);
    }
    var asked = 0, active = -1, run = queue();

    function links() { return list.querySelectorAll("a"); }
    function highlight(index) {
      var all = links();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (a, n) { a.classList.toggle("hs-active", n === active); });
      all[active].scrollIntoView({ block: "nearest" });
    }
    function show(term) {
      var mine = ++asked;
      active = -1;
      if (!term.trim()) { list.hidden = true; list.textContent = ""; return; }
      pagefind().then(function (pf) { pf.preload(term); });
      run(term, null, TYPING).then(function (found) {
        if (!found) { return; }  // a newer query took its place
        return Promise.all(found.results.slice(0, SHOWN).map(function (r) { return r.data(); }))
          .then(function (items) {
            if (mine !== asked) { return; }
            list.textContent = "";
            items = items.filter(function (d) { return matches(d, term); });
            exactFirst(items, term).forEach(function (d) { list.appendChild(result(d)); });
            var more = element("li", "hs-search__more");
            var all = element("a", "", items.length
              ? (found.results.length === 1 ? "1 result" : "All " + found.results.length + " results")
                + ", with filters"
              : "No results for \u201c" + term + "\u201d");
            all.href = pageUrl(term);
            more.appendChild(all);
            list.appendChild(more);
            list.dataset.term = term;  // what the list answers (tests wait for it)
            list.hidden = false;
          });
      }).catch(function (error) { console.warn("search:", error); });
    }
    input.addEventListener("focus", function () { pagefind(); if (input.value) { list.hidden = false; } });
    input.addEventListener("input", function () { show(input.value); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        location.href = links()[active].href;
      } else if (event.key === "Escape") {
        list.hidden = true;
        input.blur();
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) { list.hidden = true; }
    });
    // the keyboard: Tab out of the box and its results closes them; Escape on a result
    // closes them and puts the cursor back in the box
    form.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !form.contains(event.relatedTarget)) { list.hidden = true; }
    });
    list.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.focus(); list.hidden = true; }
    });
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "/" || event.key === "s") {
      var input = document.querySelector("#hs-search-page input") ||
        document.querySelector("#hs-search input");
      if (input) { event.preventDefault(); input.focus(); input.select(); }
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") &&
      document.getElementById("hs-search-page")) {
      var all = Array.prototype.slice.call(document.querySelectorAll("#hs-search-page .hs-result"));
      if (!all.length) { return; }
      event.preventDefault();
      var at = all.indexOf(document.activeElement);
      at = event.key === "ArrowDown" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
      all[at].focus();
    }
  });

  /* --- the page of all results, with facets ------------------------------------------- */

  function resultsPage() {
    var root = document.getElementById("hs-search-page");
    if (!root || root.dataset.hsReady) { return; }
    root.dataset.hsReady = "1";
    var params = new URLSearchParams(location.search);
    var form = element("form", "hs-filters hs-search-form");
    form.setAttribute("role", "search");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var input = element("input", "hs-search-page__input");
    input.type = "search";
    input.name = "q";
    input.placeholder = "Words, an incident id or a ticket";
    input.setAttribute("aria-label", "Search the archive");
    input.value = params.get("q") || "";
    form.appendChild(input);
    var selects = {};
    var count = element("output", "hs-search-page__count");
    var list = element("ol", "hs-search-page__results");
    var more = element("button", "md-button hs-search-page__more", "More results");
    more.type = "button";
    more.hidden = true;
    root.appendChild(form);
    root.appendChild(count);
    root.appendChild(list);
    root.appendChild(more);
    var asked = 0, found = [], shown = 0, run = queue();

    function chosen() {
      var filters = {};
      Object.keys(selects).forEach(function (f) { if (selects[f].value) { filters[f] = selects[f].value; } });
      return filters;
    }
    function next() {
      var mine = asked;
      var slice = found.slice(shown, shown + PAGE);
      shown += slice.length;
      more.hidden = shown >= found.length;
      return Promise.all(slice.map(function (r) { return r.data(); })).then(function (items) {
        if (mine !== asked) { return; }
        items = items.filter(function (d) { return matches(d, input.value); });
        if (shown === slice.length) {
          exactFirst(items, input.value);
          if (!items.length) { count.value = "No results"; more.hidden = true; }
        }
        items.forEach(function (d) { list.appendChild(result(d)); });
      });
    }
    function apply(delay) {
      var mine = ++asked, term = input.value.trim(), filters = chosen();
      var url = new URL(pageUrl(term, filters));
      history.replaceState(null, "", url.pathname + url.search);
      if (!term && !Object.keys(filters).length) {
        list.textContent = ""; count.value = ""; more.hidden = true; return Promise.resolve();
      }
      return run(term, filters, delay).then(function (search) {
        if (!search || mine !== asked) { return; }
        found = search.results;
        shown = 0;
        list.textContent = "";
        count.value = found.length === 1 ? "1 result" : found.length + " results";
        return next();
      }).catch(function (error) { console.warn("search:", error); });
    }
    pagefind().then(function (pf) { return pf.filters(); }).then(function (values) {
      FACETS.forEach(function (facet) {
        var options = values[facet[0]];
        if (!options) { return; }
        var select = element("select");
        select.name = facet[0];
        select.setAttribute("aria-label", "Filter by " + facet[1].toLowerCase());
        select.add(new Option("Any " + facet[1].toLowerCase(), ""));
        Object.keys(options).sort(function (a, b) {
          return facet[0] === "year" ? b.localeCompare(a) : a.localeCompare(b);
        }).forEach(function (value) {
          select.add(new Option(value + " (" + options[value] + ")", value));
        });
        select.value = params.get(facet[0]) || "";
        select.addEventListener("change", function () { apply(0); });
        selects[facet[0]] = select;
        form.appendChild(select);
      });
      return apply(0);
    });
    input.addEventListener("input", function () { apply(TYPING); });
    more.addEventListener("click", next);
  }

  function setUp() {
    headerBox();
    resultsPage();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
