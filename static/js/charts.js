// Draws every [data-figure] element with plotly.js: the figure's JSON comes from the server.
(function () {
  "use strict";
  const CONFIG = { displaylogo: false, responsive: true,
                   modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };

  function draw(element) {
    const figure = JSON.parse(element.dataset.figure);
    window.Plotly.newPlot(element, figure.data, figure.layout, CONFIG).then(() => {
      element.dataset.drawn = "true";
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-figure]:not([data-drawn])").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
