(function () {
  "use strict";
  // The portfolio's account lists: the at-risk list and the directory, paged, with search.
  var size = chw.config.page_size;

  function decode(data) {
    var dict = data.dictionaries;
    return data.rows.map(function (values) {
      var row = {};
      data.columns.forEach(function (column, i) { row[column] = values[i]; });
      ["segment", "csm", "action", "status"].forEach(function (c) { row[c] = dict[c][row[c]]; });
      row.drivers = row.drivers.map(function (i) { return dict.drivers[i]; });
      row.id = row.id === null ? row.key : row.id;
      row.search = (row.name + " " + row.id).toLowerCase();
      return row;
    });
  }

  function pager(name, render) {
    var state = { page: 0, rows: [] };
    var prev = chw.byId(name + "-prev");
    var next = chw.byId(name + "-next");
    var label = chw.byId(name + "-page");
    function show() {
      var pages = Math.max(1, Math.ceil(state.rows.length / size));
      state.page = Math.max(0, Math.min(state.page, pages - 1));
      var start = state.page * size;
      render(state.rows.slice(start, start + size), start);
      label.textContent = "Page " + (state.page + 1) + " of " + pages;
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
    }
    prev.addEventListener("click", function () { state.page -= 1; show(); });
    next.addEventListener("click", function () { state.page += 1; show(); });
    return function (rows) { state.rows = rows; state.page = 0; show(); };
  }

  function fill(tableId, rows, columns, makeRow, empty) {
    var body = chw.clear(document.querySelector("#" + tableId + " tbody"));
    if (rows.length === 0) {
      var td = chw.cell("muted", empty);
      td.colSpan = columns;
      body.appendChild(chw.put(chw.el("tr"), [td]));
    }
    rows.forEach(function (row, i) { body.appendChild(makeRow(row, i)); });
  }

  function atRiskRow(a, rank) {
    var tr = chw.el("tr");
    tr.dataset.accountKey = a.key;
    var name = chw.put(chw.el("td"), [
      chw.scorecardLink(a.key, a.name, "account-link"), chw.el("div", "small muted", a.segment)
    ]);
    var band = chw.put(chw.el("td"), [chw.badge(a.band)]);
    if (a.overridden) {
      var note = chw.el("div", "small muted", "override");
      note.title = "A CSM override sets the published score";
      band.appendChild(note);
    }
    return chw.put(tr, [
      chw.cell("num", rank), name, band, chw.cell("num", a.score),
      chw.cell("num", chw.moved(a.change_30d)), chw.cell("num", a.arr),
      chw.cell("num", a.renewal), chw.cell("", a.csm), chw.cell("", chw.chips(a.drivers)),
      chw.cell("action", a.action)
    ]);
  }

  function directoryRow(a) {
    var tr = chw.el("tr");
    tr.dataset.accountKey = a.key;
    return chw.put(tr, [
      chw.cell("", chw.scorecardLink(a.key, a.name)), chw.cell("small", a.id),
      chw.cell("", a.segment), chw.cell("", chw.badge(a.band)), chw.cell("num", a.score),
      chw.cell("num", chw.moved(a.change_30d)), chw.cell("num", a.arr),
      chw.cell("small", a.status)
    ]);
  }

  function start(data) {
    var accounts = decode(data);
    var atRisk = data.at_risk.map(function (i) { return accounts[i]; });
    var showAtRisk = pager("at-risk", function (rows, first) {
      fill("at-risk-table", rows, 10, function (a, i) { return atRiskRow(a, first + i + 1); },
        "No active customer is red or yellow.");
    });
    showAtRisk(atRisk);
    var showDirectory = pager("directory", function (rows) {
      fill("account-directory", rows, 8, directoryRow, "No account matches.");
    });
    var box = chw.byId("account-search");
    var counter = chw.byId("search-count");
    function search() {
      var needle = box.value.trim().toLowerCase();
      var hits = needle === "" ? accounts : accounts.filter(function (a) {
        return a.search.indexOf(needle) !== -1;
      });
      counter.textContent = hits.length + " of " + accounts.length + " accounts";
      showDirectory(hits);
    }
    box.addEventListener("input", search);
    search();
  }

  chw.load("accounts", "data/accounts.js", start, function () {
    ["at-risk-table", "account-directory"].forEach(function (id) {
      var td = document.querySelector("#" + id + " tbody td");
      td.textContent = "The account list (data/accounts.js) could not be loaded.";
    });
  });
})();
