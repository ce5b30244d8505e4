// Small Leaflet map of one or more points. Base-map tiles only when the site configures a tile
// server (ECOGRAPH_TILES); without tiles the points are still drawn on a plain background.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var dataEl = document.getElementById("map-data");
  if (!el || !dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  if (!data.points.length || typeof L === "undefined") { el.style.display = "none"; return; }
  var map = L.map(el, { attributionControl: !!data.tiles, scrollWheelZoom: false });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18 }).addTo(map);
  }
  var bounds = [];
  data.points.forEach(function (p) {
    var m = L.circleMarker([p.lat, p.long], { radius: 7, color: "#0b5cad", weight: 2, fillColor: "#3f7fbf", fillOpacity: 0.8 });
    // the label is set as text: Leaflet's tooltip accepts an element, so no HTML parsing
    var label = document.createElement("span");
    label.textContent = p.label;
    m.bindTooltip(label, { permanent: data.points.length === 1, direction: "right" });
    if (p.href) { m.on("click", function () { window.location.href = p.href; }); }
    m.addTo(map);
    bounds.push([p.lat, p.long]);
  });
  if (bounds.length === 1) { map.setView(bounds[0], 13); } else { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
})();
