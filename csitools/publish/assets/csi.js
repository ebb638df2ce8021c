// csitools: sort the tables inside .csi-sortable by clicking a column heading.
// A cell sorts by the data-sort attribute of an element in it when there is one
// (health worst first, lifecycle statuses in order), else ISO dates as dates, cells
// that start with a number as that number and everything else as text; a second click reverses. Empty cells ("—",
// or data-sort="") stay at the bottom whichever way the column is sorted.
(function () {
  "use strict";
  var ISO_DATE = /^\d{4}-\d{2}(-\d{2})?$/;
  var NUMBER = /^-?[\d,]*\.?\d/; // a leading number: "3.90", "1,200", "8.8 hours"
  function key(cell) {
    var marked = cell.querySelector("[data-sort]");
    var text = (marked ? marked.getAttribute("data-sort") : cell.textContent || "").trim();
    if (text === "" || text === "—") return { empty: true };
    if (ISO_DATE.test(text)) return { t: text }; // YYYY-MM-DD sorts as text in date order
    if (NUMBER.test(text)) return { n: parseFloat(text.replace(/,/g, "")) };
    return { t: text.toLowerCase() };
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) return a.n - b.n;
    var x = a.t !== undefined ? a.t : String(a.n), y = b.t !== undefined ? b.t : String(b.n);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function setup(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      // A real button inside the header: focusable, announced as one, and Enter/Space
      // press it natively; aria-sort on the header says how the column is sorted.
      var button = document.createElement("button");
      button.type = "button";
      button.className = "csi-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (r, i) {
          return { row: r, key: key(r.cells[col]), i: i };
        });
        rows.sort(function (r1, r2) {
          if (r1.key.empty || r2.key.empty) {
            return r1.key.empty && r2.key.empty ? r1.i - r2.i : r1.key.empty ? 1 : -1;
          }
          var c = compare(r1.key, r2.key);
          return (asc ? c : -c) || r1.i - r2.i;
        });
        rows.forEach(function (r) { body.appendChild(r.row); });
      }
      th.addEventListener("click", sort); // the button's click (and Enter, Space) bubbles here
    });
  }
  // Filters over a .csi-filterable table, built from the facets each row carries
  // (empty spans: data-facet, data-value, data-label, data-sort for the order). The
  // choice lives in the address (?health=at-risk&lane=quick-win), so a filtered view
  // can be shared; without JavaScript the whole table shows and no filter is offered.
  var FACETS = [["status", "Lifecycle"], ["health", "Health"], ["service", "Service"],
    ["owner", "Owner"], ["lane", "Lane"]];
  function rowFacets(row) {
    var out = {};
    row.querySelectorAll("[data-facet]").forEach(function (f) {
      var name = f.getAttribute("data-facet");
      (out[name] = out[name] || []).push(f.getAttribute("data-value"));
    });
    return out;
  }
  function options(table, name) {
    var seen = {}, list = [];
    table.querySelectorAll('[data-facet="' + name + '"]').forEach(function (f) {
      var value = f.getAttribute("data-value");
      if (seen[value]) return;
      seen[value] = true;
      list.push({ value: value, label: f.getAttribute("data-label") || value,
        order: f.getAttribute("data-sort") });
    });
    list.sort(function (a, b) {
      if (a.order !== null && b.order !== null && a.order !== b.order) return a.order < b.order ? -1 : 1;
      return a.label.toLowerCase() < b.label.toLowerCase() ? -1 : 1;
    });
    return list;
  }
  function setupFilters(table) {
    var wrap = table.closest(".csi-filterable");
    var form = document.createElement("form");
    form.className = "csi-filters";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the register");
    var params = new URLSearchParams(window.location.search);
    var selects = {};
    FACETS.forEach(function (facet) {
      var list = options(table, facet[0]);
      if (!list.length) return;
      var label = document.createElement("label");
      var select = document.createElement("select");
      select.name = facet[0];
      label.appendChild(document.createTextNode(facet[1] + " "));
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "all";
      select.appendChild(all);
      list.forEach(function (o) {
        var opt = document.createElement("option");
        opt.value = o.value;
        opt.textContent = o.label;
        select.appendChild(opt);
      });
      var wanted = params.get(facet[0]);
      if (wanted !== null && list.some(function (o) { return o.value === wanted; })) select.value = wanted;
      label.appendChild(select);
      form.appendChild(label);
      selects[facet[0]] = select;
      select.addEventListener("change", function () { apply(true); });
    });
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "md-button csi-filters__clear";
    clear.textContent = "Show all";
    form.appendChild(clear);
    var count = document.createElement("p");
    count.className = "csi-filters__count";
    count.setAttribute("aria-live", "polite");
    form.appendChild(count);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    clear.addEventListener("click", function () {
      Object.keys(selects).forEach(function (k) { selects[k].value = ""; });
      apply(true);
    });
    wrap.insertBefore(form, wrap.firstChild);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply(remember) {
      var shown = 0;
      rows.forEach(function (row) {
        var facets = rowFacets(row);
        var ok = Object.keys(selects).every(function (k) {
          var v = selects[k].value;
          return v === "" || (facets[k] || []).indexOf(v) >= 0;
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown === rows.length ? "Showing all " + rows.length + " improvements."
        : "Showing " + shown + " of " + rows.length + " improvements.";
      clear.hidden = shown === rows.length && Object.keys(selects).every(function (k) { return selects[k].value === ""; });
      if (remember) {
        var next = new URLSearchParams(window.location.search);
        FACETS.forEach(function (f) { next.delete(f[0]); });
        Object.keys(selects).forEach(function (k) { if (selects[k].value) next.set(k, selects[k].value); });
        var query = next.toString();
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      }
    }
    apply(false);
  }
  function init() {
    document.querySelectorAll(".csi-sortable table").forEach(function (t) {
      if (!t.dataset.csiSortable) { t.dataset.csiSortable = "1"; setup(t); }
    });
    document.querySelectorAll(".csi-filterable table").forEach(function (t) {
      if (!t.dataset.csiFilterable) { t.dataset.csiFilterable = "1"; setupFilters(t); }
    });
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init); // mkdocs-material instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();

// ---- csitools charts: dark colours in the dark scheme ---------------------------------
// A chart's SVG holds both palettes: as chart.svg#dark its root element is the :target
// and its style sheet switches the colours (csitools/publish/charts/theme.py). The
// image and the link that opens it at full size follow Material's colour scheme (the
// data-md-color-scheme attribute of the body), also when the reader toggles it.
(function () {
  "use strict";
  var CHART = 'a > img[src$=".svg"], a > img[src$=".svg#dark"]';
  function scheme() {
    var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    document.querySelectorAll(CHART).forEach(function (img) {
      var link = img.parentNode;
      var src = img.getAttribute("src").replace(/#dark$/, "") + (dark ? "#dark" : "");
      if (img.getAttribute("src") !== src) img.setAttribute("src", src);
      var href = link.getAttribute("href") || "";
      if (/\.svg(#dark)?$/.test(href)) link.setAttribute("href", src);
    });
  }
  function start() {
    scheme();
    new MutationObserver(scheme).observe(document.body, {
      attributes: true, attributeFilter: ["data-md-color-scheme"]
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// ---- csitools accessibility: names the theme leaves out ------------------------------
// Material's search is a role="dialog" without a name; screen readers announce it as
// "dialog" alone. It is named after its own input's label.
(function () {
  "use strict";
  function name() {
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(
      function (dialog) { dialog.setAttribute("aria-label", "Search"); }
    );
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", name);
  else name();
})();
