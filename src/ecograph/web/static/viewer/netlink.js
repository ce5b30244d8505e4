// The network's "In the directory" link follows its filters: unticked clusters or kinds, and the stage.
(function () {
  "use strict";
  var link = document.getElementById("net-directory");
  if (!link) return;
  function ticked(name) {
    var all = document.querySelectorAll("input[name=" + name + "]");
    var on = Array.prototype.filter.call(all, function (el) { return el.checked && el.value; });
    return on.length === Array.prototype.filter.call(all, function (el) { return el.value; }).length ? [] : on;
  }
  function update() {
    var params = new URLSearchParams();
    ticked("cluster").forEach(function (el) { params.append("cluster", el.value); });
    ticked("kind").forEach(function (el) { params.append("kind", el.value); });
    var stage = document.getElementById("f-stage");
    if (stage && stage.value) params.append("stage", stage.value);
    var query = params.toString();
    link.setAttribute("href", "/organisations" + (query ? "?" + query : ""));
  }
  document.addEventListener("change", update);
  update();
})();
