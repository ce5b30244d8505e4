// Network view. Positions come precomputed from the server, physics stays off, so the picture is
// drawn once and never moves. Labels and names are data: they are drawn on the canvas by
// vis-network or put in the page with textContent, never parsed as HTML (no vis "title" popups).
(function () {
  "use strict";
  var container = document.getElementById("network");
  var config = JSON.parse(document.getElementById("net-config").textContent);
  var status = document.getElementById("net-status");
  var search = document.getElementById("net-search");
  var results = document.getElementById("net-results");
  var panel = document.getElementById("net-panel");
  var directed = {};
  config.directed.forEach(function (r) { directed[r] = true; });

  function pageOf(id) { return "/doc/org/" + encodeURIComponent(id); }

  function nodeItem(n) {
    var shape = config.shapes[n.kind] || ["dot", false];
    var colour = config.colours[n.cluster] || config.colours[""];
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, shape: shape[0], value: 1 + n.degree,
      shapeProperties: { borderDashes: shape[1] ? [3, 2] : false },
      color: { background: colour, border: "#1b2430", highlight: { background: colour, border: "#000000" } },
      kind: n.kind, cluster: n.cluster, clusters: n.clusters, stages: n.stages, degree: n.degree, more: n.more
    };
  }
  function edgeItem(e) {
    return { id: e.from + "|" + e.relation + "|" + e.to, from: e.from, to: e.to, relation: e.relation,
             arrows: directed[e.relation] ? "to" : "" };
  }

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var filters = { clusters: null, kinds: null, relations: null, stage: "" };

  function checked(name) {
    var out = {};
    document.querySelectorAll("input[name=" + name + "]").forEach(function (el) { out[el.value] = el.checked; });
    return out;
  }
  function readFilters() {
    filters.clusters = checked("cluster");
    filters.kinds = checked("kind");
    filters.relations = checked("relation");
    filters.stage = document.getElementById("f-stage").value;
  }
  function nodeVisible(n) {
    // a value without a checkbox (not in the schemes) is never hidden
    if (filters.kinds[n.kind] === false) return false;
    var inCluster = n.clusters.length === 0 ? filters.clusters[""] !== false :
      n.clusters.some(function (c) { return filters.clusters[c] !== false; });
    if (!inCluster) return false;
    return !filters.stage || n.stages.indexOf(filters.stage) >= 0;
  }
  readFilters();
  var nodeView = new vis.DataView(nodes, { filter: nodeVisible });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return filters.relations[e.relation] !== false; } });

  var options = {
    physics: false,
    layout: { improvedLayout: false },
    interaction: { hover: true, hideEdgesOnDrag: true, hideEdgesOnZoom: true, tooltipDelay: 3600000,
                   keyboard: { enabled: true, bindToWindow: false }, navigationButtons: false },
    nodes: { borderWidth: 1, scaling: { min: 7, max: 26, label: { enabled: true, min: 11, max: 20, drawThreshold: 9 } },
             font: { color: "#1b2430", strokeWidth: 3, strokeColor: "#ffffff" } },
    edges: { smooth: false, width: 1, color: { color: "#aab4bf", highlight: "#1b2430", hover: "#4d5866" },
             arrows: { to: { scaleFactor: 0.5 } } }
  };
  var network = null;

  function describe(id) {
    var n = nodes.get(id);
    if (!n) return;
    panel.hidden = false;
    document.getElementById("net-panel-name").textContent = n.label;
    var names = n.clusters.map(function (c) { return config.clusterNames[c] || c; });
    var meta = (config.kinds[n.kind] || n.kind) + (names.length ? " · " + names.join(", ") : "") + " · " + n.degree + " ↔";
    if (n.more) meta += " (+" + n.more + ")";
    document.getElementById("net-panel-meta").textContent = meta;
    document.getElementById("net-open").setAttribute("href", pageOf(id));
    document.getElementById("net-expand").dataset.id = id;
    document.getElementById("net-expand").hidden = !n.more;
  }

  function focusNode(id) {
    if (!network || !nodes.get(id)) return;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.4, animation: false });
    describe(id);
  }

  function expand(id) {
    fetch("/network/around/" + encodeURIComponent(id) + ".json").then(function (r) { return r.json(); }).then(function (data) {
      data.nodes.forEach(function (n) { if (!nodes.get(n.id)) nodes.add(nodeItem(n)); });
      data.edges.forEach(function (e) { var item = edgeItem(e); if (!edges.get(item.id)) edges.add(item); });
      var n = nodes.get(id);
      if (n) nodes.update({ id: id, more: 0 });
      updateStatus();
      focusNode(id);
    });
  }

  function updateStatus() {
    var text = config.text.counts.replace("{nodes}", nodeView.length).replace("{edges}", edgeView.length);
    if (total > nodes.length) {
      text += ". " + config.text.capped.replace("{shown}", nodes.length).replace("{total}", total);
    }
    status.textContent = text;
  }

  function showResults() {
    var q = search.value.trim().toLowerCase();
    results.textContent = "";
    if (!q) return;
    var found = nodes.get({ filter: function (n) { return n.label.toLowerCase().indexOf(q) >= 0 || String(n.id).toLowerCase() === q; } });
    found.sort(function (a, b) { return a.label.localeCompare(b.label); });
    if (!found.length) {
      var li = document.createElement("li");
      li.textContent = config.text.none;
      results.appendChild(li);
      return;
    }
    found.slice(0, 25).forEach(function (n) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = n.label;
      b.dataset.id = n.id;
      b.addEventListener("click", function () { focusNode(n.id); });
      li.appendChild(b);
      results.appendChild(li);
    });
  }

  var total = 0;
  fetch("/network/data.json").then(function (r) { return r.json(); }).then(function (data) {
    total = data.total;
    nodes.add(data.nodes.map(nodeItem));
    edges.add(data.edges.map(edgeItem));
    network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
    window.ecographNetwork = network;
    network.once("afterDrawing", function () {
      document.body.dataset.networkReady = String(performance.now());
    });
    network.on("click", function (p) {
      if (p.nodes.length) {
        window.ecographLastClick = { id: p.nodes[0], at: performance.now() };
        window.location.href = pageOf(p.nodes[0]);
      }
    });
    network.on("hoverNode", function (p) { describe(p.node); });
    network.on("oncontext", function (p) {
      var id = network.getNodeAt(p.pointer.DOM);
      if (id !== undefined) { p.event.preventDefault(); expand(id); }
    });
    updateStatus();
  });

  search.addEventListener("input", showResults);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      var first = results.querySelector("button");
      if (first) first.click();
    }
  });
  document.getElementById("net-expand").addEventListener("click", function () {
    if (this.dataset.id) expand(this.dataset.id);
  });
  document.querySelectorAll(".netside input, .netside select").forEach(function (el) {
    if (el.id === "net-search") return;
    el.addEventListener("change", function () {
      readFilters();
      nodeView.refresh();
      edgeView.refresh();
      updateStatus();
    });
  });
})();
