(function () {
  "use strict";
  var box = document.getElementById("account-search");
  if (!box) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-search]"));
  var counter = document.getElementById("search-count");
  function apply() {
    var needle = box.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var hit = needle === "" || row.getAttribute("data-search").indexOf(needle) !== -1;
      row.classList.toggle("hidden", !hit);
      if (hit) { shown += 1; }
    });
    if (counter) { counter.textContent = shown + " of " + rows.length + " accounts"; }
  }
  box.addEventListener("input", apply);
  apply();
})();
