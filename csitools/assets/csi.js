// csitools: sort the tables inside .csi-sortable by clicking a column heading.
// Numbers sort as numbers, everything else as text; a second click reverses.
(function () {
  "use strict";
  function key(cell) {
    var text = (cell.textContent || "").trim();
    var n = parseFloat(text.replace(/,/g, ""));
    return isNaN(n) || !/^-?[\d,.]+/.test(text) ? { t: text.toLowerCase() } : { n: n };
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) return a.n - b.n;
    var x = a.t !== undefined ? a.t : String(a.n), y = b.t !== undefined ? b.t : String(b.n);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function setup(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("role", "columnheader button");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(key(r1.cells[col]), key(r2.cells[col]));
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
  }
  function init() {
    document.querySelectorAll(".csi-sortable table").forEach(function (t) {
      if (!t.dataset.csiSortable) { t.dataset.csiSortable = "1"; setup(t); }
    });
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init); // mkdocs-material instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
