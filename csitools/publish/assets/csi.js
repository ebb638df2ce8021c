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
