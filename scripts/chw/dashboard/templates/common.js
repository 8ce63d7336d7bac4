var chw = (function () {
  "use strict";
  // Shared by the pages. Data goes into the document as text (textContent), never as HTML.
  var config = JSON.parse(document.getElementById("chw-config").textContent);

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function put(parent, children) {
    children.forEach(function (child) {
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return parent;
  }

  function byId(id) { return document.getElementById(id); }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
    return node;
  }

  function badge(band, big) {
    var info = config.bands[band] || config.bands.none;
    var node = el("span", "badge " + info.css + (big ? " big" : ""));
    node.title = info.label + " band";
    var shape = el("span", "shape", info.shape);
    shape.setAttribute("aria-hidden", "true");
    return put(node, [shape, info.label]);
  }

  // a change is [css class, text with its arrow, title], formatted by the generator
  function moved(change) {
    var node = el("span", change[0], change[1]);
    node.title = change[2];
    return node;
  }

  function chips(items) {
    return put(el("div", "chips"), items.map(function (item) { return el("span", "chip", item); }));
  }

  function cell(className, content) {
    var td = el("td", className);
    if (content !== undefined && content !== null) {
      put(td, [typeof content === "object" ? content : String(content)]);
    }
    return td;
  }

  function scorecardLink(key, text, className) {
    var link = el("a", className, text);
    link.setAttribute("href", "account.html#" + encodeURIComponent(key));
    return link;
  }

  // A data file is a script storing window.chwData[name]: scripts load from file://,
  // where browsers refuse fetch().
  function load(name, src, done, failed) {
    var have = window.chwData && Object.prototype.hasOwnProperty.call(window.chwData, name);
    if (have) { done(window.chwData[name]); return; }
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () {
      var data = window.chwData || {};
      if (Object.prototype.hasOwnProperty.call(data, name)) { done(data[name]); } else { failed(); }
    };
    script.onerror = failed;
    document.head.appendChild(script);
  }

  return {
    config: config, el: el, put: put, byId: byId, clear: clear, badge: badge, moved: moved,
    chips: chips, cell: cell, scorecardLink: scorecardLink, load: load
  };
})();
