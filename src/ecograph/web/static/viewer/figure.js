// PNG downloads of the server's SVG figures: the SVG is drawn on a canvas at twice its size, in the browser.
(function () {
  "use strict";
  async function png(link) {
    const text = await (await fetch(link.href)).text();
    const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
    const img = new Image();
    await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = reject; img.src = url; });
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth * 2;
    canvas.height = img.naturalHeight * 2;
    const ctx = canvas.getContext("2d");
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    URL.revokeObjectURL(url);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = link.dataset.png;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-png]");
    if (!link) return;
    event.preventDefault();
    png(link).catch((err) => { document.body.dataset.pngError = String(err); });
  });
})();
