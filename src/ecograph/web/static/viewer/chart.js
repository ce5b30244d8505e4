// Bar chart of a saved question's answer. The data is JSON in a <script type="application/json">
// element (escaped by the server); labels are drawn on the canvas, never inserted as HTML.
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  var canvas = document.getElementById("chart");
  if (!el || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(el.textContent);
  canvas.height = Math.max(160, 22 * data.labels.length + 40);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: data.value, data: data.values, backgroundColor: "#3f7fbf" }] },
    options: {
      indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
  canvas.parentNode.style.height = canvas.height + "px";
})();
