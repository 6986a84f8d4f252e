// Contact import upload: refuse a file over the size limit before sending it.
(function () {
  "use strict";

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.ceil(bytes / 1024) + " KB";
  }

  // Show (or clear) the size error of a file input; return true if its file may be sent.
  function check(input) {
    var file = input.files && input.files[0];
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var tooBig = Boolean(file) && file.size > max;
    var error = document.getElementById(input.id + "-error");
    if (error) {
      error.hidden = !tooBig;
      if (tooBig) {
        error.querySelector("span").textContent =
          "The file is " + sizeText(file.size) + "; the limit is " + sizeText(max) + ".";
      }
    }
    input.setAttribute("aria-invalid", String(tooBig));
    return !tooBig;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("input[type=file][data-max-bytes]")) check(event.target);
  });

  document.addEventListener("submit", function (event) {
    var input = event.target.querySelector("input[type=file][data-max-bytes]");
    if (input && !check(input)) event.preventDefault();
  });
})();
