// The campaign editor: move a channel up or down the fallback order in place (without
// JavaScript the same buttons post the form, and the server re-renders it reordered).
(function () {
  "use strict";

  function refresh(list) {
    var rows = list.querySelectorAll(".ce-order-row");
    rows.forEach(function (row, i) {
      row.querySelector('[data-move="up"]').disabled = i === 0;
      row.querySelector('[data-move="down"]').disabled = i === rows.length - 1;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) return;
    var row = button.closest(".ce-order-row");
    var list = row && row.parentElement;
    if (!list) return;
    event.preventDefault();
    if (button.getAttribute("data-move") === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (button.getAttribute("data-move") === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    }
    refresh(list);
    button.focus();
  });
})();
