(function () {
  "use strict";
  // One scorecard: the account named after the "#", read from its data file.
  var SVG = "http://www.w3.org/2000/svg";
  var el = chw.el, put = chw.put, byId = chw.byId;

  // FNV-1a (32 bit) of the key modulo the number of data files, as formatting.shard_of
  function shardOf(key) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < key.length; i += 1) {
      hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
    }
    return hash % chw.config.shards;
  }

  function svg(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function isoMinus(iso, days) {
    var day = new Date(iso + "T00:00:00Z");
    day.setUTCDate(day.getUTCDate() - days);
    return day.toISOString().slice(0, 10);
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    "Dec"];

  // the first of each month on a long axis (as charts.py does), else the first and last day
  function axisLabels(end, first, last) {
    if (first - last <= 45) {
      return [{ ago: first, anchor: "start", text: isoMinus(end, first) },
        { ago: last, anchor: "end", text: isoMinus(end, last) }];
    }
    var ticks = [];
    for (var ago = first; ago >= last; ago -= 1) {
      var day = isoMinus(end, ago);
      if (day.slice(8) === "01") {
        var month = MONTHS[Number(day.slice(5, 7)) - 1];
        ticks.push({ ago: ago, anchor: "middle", text: month + " " + day.slice(0, 4) });
      }
    }
    return ticks;
  }

  // the last 90 days of the published score over the segment's band ranges
  function sparkline(spark) {
    var width = 600, height = 170, left = 30, right = 12, top = 8, bottom = 20;
    var chart = svg("svg", { viewBox: "0 0 600 170", role: "img",
      "aria-label": "Health score, last 90 days" });
    var plot = height - top - bottom;
    function y(v) { return height - bottom - v / 100 * plot; }
    var red = spark.thresholds[0], green = spark.thresholds[1];
    [["red", 0, red], ["yellow", red, green], ["green", green, 100]].forEach(function (r) {
      var rect = svg("rect", { x: left, y: y(r[2]).toFixed(1), width: width - left - right,
        height: (y(r[1]) - y(r[2])).toFixed(1), fill: chw.config.tints[r[0]] });
      rect.appendChild(svg("title", {}, chw.config.bands[r[0]].label + ": " +
        r[1].toFixed(0) + "\u2013" + r[2].toFixed(0)));
      chart.appendChild(rect);
    });
    [0, red, green, 100].forEach(function (t) {
      chart.appendChild(svg("text", { x: left - 4, y: (y(t) + 4).toFixed(1),
        "text-anchor": "end" }, t.toFixed(0)));
    });
    if (spark.scores.length === 0) {
      chart.appendChild(svg("text", { x: width / 2, y: 80, "text-anchor": "middle" },
        "No data yet"));
      return chart;
    }
    var ago = spark.ago.length > 1 ? spark.ago : [spark.ago[0] + 1, spark.ago[0]];
    var scores = spark.scores.length > 1 ? spark.scores : [spark.scores[0], spark.scores[0]];
    var first = ago[0], last = ago[ago.length - 1], span = Math.max(first - last, 1);
    var xs = ago.map(function (a) { return left + (first - a) / span * (width - left - right); });
    var ys = scores.map(y);
    var base = height - bottom;
    chart.appendChild(svg("line", { "class": "axis", x1: left, x2: width - right, y1: base,
      y2: base }));
    axisLabels(spark.end, first, last).forEach(function (tick) {
      var x = left + (first - tick.ago) / span * (width - left - right);
      var anchor = x > width - right - 30 ? "end" : x < left + 30 ? "start" : tick.anchor;
      chart.appendChild(svg("text", { x: x.toFixed(1), y: base + 15, "text-anchor": anchor },
        tick.text));
    });
    chart.appendChild(svg("polyline", { fill: "none", stroke: "#17324d", "stroke-width": 2,
      points: xs.map(function (x, i) { return x.toFixed(1) + "," + ys[i].toFixed(1); }).join(" ") }));
    var endX = xs[xs.length - 1], endY = ys[ys.length - 1];
    chart.appendChild(svg("circle", { cx: endX.toFixed(1), cy: endY.toFixed(1), r: 3.5,
      fill: "#17324d" }));
    chart.appendChild(svg("text", { x: (endX - 6).toFixed(1),
      y: (endY > top + 16 ? endY - 7 : endY + 16).toFixed(1), "text-anchor": "end",
      fill: "#1f2933", "font-weight": 600, "paint-order": "stroke", stroke: "#ffffff",
      "stroke-width": 3 }, scores[scores.length - 1].toFixed(1)));
    return chart;
  }

  function text(id, value) { byId(id).textContent = value === null ? "" : value; }

  function overall(card) {
    text("overall-score", card.score);
    put(chw.clear(byId("overall-badge")), [chw.badge(card.band, true)]);
    put(chw.clear(byId("overall-changes")), [
      "7 days: ", chw.moved(card.change_7d), " \u00b7 30 days: ", chw.moved(card.change_30d)
    ]);
    text("overall-coverage", "Coverage " + card.coverage + " of the weight measured \u00b7 " +
      "confidence " + card.confidence);
    text("overall-computed", card.override ? "Computed score " + card.computed_score + " (" +
      card.computed_band + ") replaced by a CSM override" : "");
    put(chw.clear(byId("sparkline")), [sparkline(card.spark)]);
  }

  function facts(card) {
    var renewal = put(chw.clear(byId("days-to-renewal")), [el("strong", null, card.renewal)]);
    if (card.renewal_date) { renewal.appendChild(document.createTextNode(
      " (" + card.renewal_date + ")")); }
    text("fact-arr", card.arr);
    text("fact-seats", card.seats);
    text("fact-csm", card.csm);
    text("fact-lifecycle", card.lifecycle);
    text("fact-industry", card.industry + " / " + card.region);
    text("fact-parent", card.parent);
    document.querySelectorAll(".parent").forEach(function (n) {
      n.classList.toggle("hidden", !card.parent);
    });
    var action = put(chw.clear(byId("fact-action")), [el("strong", null, card.action)]);
    if (card.weakest) {
      action.appendChild(el("span", "muted", " (weakest component: " + card.weakest + ")"));
    }
    put(chw.clear(byId("fact-drivers")), [chw.chips(card.drivers)]);
    var box = chw.clear(byId("override"));
    box.classList.toggle("hidden", !card.override);
    if (card.override) {
      put(box, [el("strong", null, "CSM override"), " by " + card.override.author + " \u2014 \u201c" +
        card.override.reason + "\u201d, valid until " + card.override.until + ". Published " +
        card.score + " (" + card.band_label + "); computed " + card.computed_score + " (" +
        card.computed_band + ")."]);
    }
  }

  function components(card) {
    put(chw.clear(byId("component-cards")), card.components.map(function (c) {
      var box = el("div", "component " + (chw.config.bands[c[3]] || chw.config.bands.none).css);
      box.dataset.component = c[0];
      return put(box, [el("div", "name", c[1]), el("div", "score", c[2]),
        put(el("div"), [chw.badge(c[3]), " ", el("span", "small muted", "weight " + c[4])])]);
    }));
  }

  function bar(className, pct) {
    var span = el("span");
    span.style.width = pct + "%";
    return put(el("div", className), [span]);
  }

  function moves(card) {
    put(chw.clear(byId("drivers-title")), ["What changed in the last 30 days (",
      chw.moved(card.change_30d), " points)"]);
    byId("drivers-table").classList.toggle("hidden", card.moves.length === 0);
    put(chw.clear(document.querySelector("#drivers-table tbody")), card.moves.map(function (d) {
      var diverge = put(el("div", "diverge"), [bar("neg", d[3]), bar("pos", d[4])]);
      return put(el("tr"), [chw.cell("", d[0]), chw.cell("", d[1]),
        chw.cell("num", chw.moved(d[2])), chw.cell("", diverge)]);
    }));
    text("drivers-note", card.moves.length === 0 ? "No metric moved the score in the last " +
      "30 days." : "Each metric's contribution to the 30-day change of the computed score; " +
      "together they sum to " + card.drivers_total + " points." + (card.override ? " The " +
      "published score is set by the CSM override, so its change can differ." : ""));
  }

  function drillDown(card, metrics) {
    text("metrics-title", "Metric drill-down on " + card.score_date);
    var body = chw.clear(document.querySelector("#metric-table tbody"));
    card.groups.forEach(function (group) {
      var head = chw.cell("", group[0] + " \u2014 " + group[1]);
      head.colSpan = 9;
      body.appendChild(put(el("tr", "component-row"), [head]));
      group[2].forEach(function (m) {
        var known = Object.prototype.hasOwnProperty.call(metrics, m[0]);
        var info = known ? metrics[m[0]] : [m[0], ""];
        body.appendChild(put(el("tr"), [
          put(el("td"), [info[0], el("div", "small muted", info[1])]),
          chw.cell("num", m[1]), chw.cell("num", m[2]), chw.cell("", bar("bar score", m[3])),
          chw.cell("num", m[4]), chw.cell("num", m[5]), chw.cell("num", m[6]),
          chw.cell("num", m[7]), chw.cell("num", chw.moved(m[8]))
        ]));
      });
    });
  }

  function render(card, metrics) {
    document.title = card.name + " \u2014 health scorecard";
    text("account-name", card.name);
    text("account-meta", card.id + " \u00b7 " + card.segment +
      (card.scored ? " \u00b7 scored " + card.score_date : ""));
    byId("not-found").classList.add("hidden");
    byId("scorecard").classList.remove("hidden");
    byId("overall-scored").classList.toggle("hidden", !card.scored);
    byId("overall-unscored").classList.toggle("hidden", card.scored);
    byId("explained").classList.toggle("hidden", !card.scored);
    facts(card);
    if (card.scored) {
      overall(card);
      components(card);
      moves(card);
      drillDown(card, metrics);
    }
  }

  function notFound(message) {
    document.title = "Health scorecard";
    text("account-name", "Health scorecard");
    text("account-meta", "");
    byId("scorecard").classList.add("hidden");
    byId("not-found").classList.remove("hidden");
    text("not-found-text", message);
  }

  function show() {
    var key = "";
    try { key = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { key = ""; }
    if (!/^[A-Za-z0-9_-]+$/.test(key)) {
      notFound("Open a scorecard from the portfolio: this page shows the account named " +
        "after the # in its address.");
      return;
    }
    var name = "cards-" + String(shardOf(key)).padStart(4, "0");
    chw.load(name, "data/" + name + ".js", function (shard) {
      if (Object.prototype.hasOwnProperty.call(shard.cards, key)) {
        render(shard.cards[key], shard.metrics);
      } else {
        notFound("No account has the key " + key + " in this dashboard.");
      }
    }, function () { notFound("The data file data/" + name + ".js could not be loaded."); });
  }

  window.addEventListener("hashchange", show);
  show();
})();
