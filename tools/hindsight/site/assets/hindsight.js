/* Hindsight archive: instant filtering of the incident index. The index works without it:
   every filter is also a page (incidents/severity/sev1/ and so on). */
(function () {
  "use strict";
  var FACETS = ["severity", "status", "year", "service", "tag"];

  function setUp() {
    var table = document.getElementById("hs-incidents");
    var nav = document.querySelector(".hs-facets");
    if (!table || !nav || table.dataset.hsReady) { return; }
    table.dataset.hsReady = "1";
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var bar = document.createElement("form");
    bar.className = "hs-filters";
    bar.setAttribute("role", "search");
    bar.addEventListener("submit", function (event) { event.preventDefault(); });
    var selects = {};
    FACETS.forEach(function (facet) {
      var group = nav.querySelector('[data-facet="' + facet + '"]');
      if (!group) { return; }
      var select = document.createElement("select");
      select.name = facet;
      select.setAttribute("aria-label", "Filter by " + facet);
      select.add(new Option("Any " + facet, ""));
      group.querySelectorAll("a").forEach(function (link) {
        var value = link.getAttribute("href").replace(/\/(index\.html)?$/, "").split("/").pop();
        var label = link.firstChild ? link.firstChild.textContent.trim() : value;
        select.add(new Option(label, value));
      });
      select.addEventListener("change", apply);
      selects[facet] = select;
      bar.appendChild(select);
    });
    var words = document.createElement("input");
    words.type = "search";
    words.placeholder = "Words in the title";
    words.setAttribute("aria-label", "Filter by words in the title");
    words.addEventListener("input", apply);
    bar.appendChild(words);
    var count = document.createElement("output");
    bar.appendChild(count);
    table.parentNode.insertBefore(bar, table);

    function apply() {
      var needle = words.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var visible = FACETS.every(function (facet) {
          var select = selects[facet];
          if (!select || !select.value) { return true; }
          return (row.dataset[facet] || "").split("|").indexOf(select.value) !== -1;
        });
        if (visible && needle) {
          visible = row.cells[1].textContent.toLowerCase().indexOf(needle) !== -1;
        }
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      count.value = shown + " of " + rows.length;
    }
    apply();
  }

  /* A box that scrolls a wide table sideways (the theme's, around a postmortem's own tables)
     is reached by the keyboard while it does scroll: Tab to it, then the arrow keys. The
     action items and the timeline have theirs from the build. */
  function reachableScrolls() {
    document.querySelectorAll(".md-typeset table").forEach(function (table) {
      var box = table.parentElement;
      while (box && !/auto|scroll/.test(getComputedStyle(box).overflowX)) {
        if (box.classList.contains("md-typeset")) { return; }
        box = box.parentElement;
      }
      if (!box || box.getAttribute("role") === "region" || box.scrollWidth <= box.clientWidth) {
        return;
      }
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Table, scrolls sideways");
    });
  }
  window.addEventListener("resize", reachableScrolls);
  window.addEventListener("load", reachableScrolls);

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { setUp(); setTimeout(reachableScrolls, 0); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
