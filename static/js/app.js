// Console behaviour that must not live inline (the Content-Security-Policy forbids it).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Every htmx request carries the CSRF token, like the hidden field of a form does.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  document.addEventListener("click", function (event) {
    // Dismiss a flash message.
    var close = event.target.closest("[data-dismiss]");
    if (close) {
      var alert = close.closest(".alert");
      if (alert) alert.remove();
      return;
    }
    // Copy a secret (API key, invitation link) from the input named by data-copy.
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var input = document.getElementById(copy.getAttribute("data-copy"));
      if (!input) return;
      input.select();
      var done = function () {
        copy.classList.add("is-copied");
        var label = copy.querySelector("span");
        if (label) label.textContent = "Copied";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {});
      } else if (document.execCommand("copy")) {
        done();
      }
    }
  });

  // Select a read-only secret on focus, so keyboard users can copy it at once.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  // Leaving the page by a plain link or form (not one htmx handles): first drop the
  // page's htmx requests still in flight (a search or preview sent as the field lost
  // focus, a poll), and send no new one while the next page loads. A late answer would
  // put back the session as its request found it (every answer sends the cookie again,
  // to extend the idle timeout), losing what the navigation stored there, such as its
  // "saved" message; and a late search's URL push cancels the navigation itself.
  var REQUESTERS = "form, [hx-get], [hx-post], [hx-put], [hx-patch], [hx-delete]";
  var leaving = false;

  function leave() {
    if (!window.htmx) return;
    leaving = true;
    setTimeout(function () { leaving = false; }, 10000);  // the page stayed after all
    document.querySelectorAll(REQUESTERS).forEach(function (element) {
      htmx.trigger(element, "htmx:abort");
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (leaving) event.preventDefault();
  });
  window.addEventListener("pageshow", function () { leaving = false; });

  // On window, so that they run after every handler on the document: a confirmation
  // declined or a file too large (preventDefault there) keeps the page, and its requests.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.target && form.target !== "_self")) return;
    leave();
  });

  window.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey ||
        event.ctrlKey || event.shiftKey || event.altKey || link.hasAttribute("download") ||
        (link.target && link.target !== "_self")) return;
    var url = new URL(link.href, location.href);
    if (url.protocol !== "http:" && url.protocol !== "https:") return;  // mailto:, tel:
    if (url.hash && url.origin + url.pathname + url.search ===
        location.origin + location.pathname + location.search) return;  // same page
    leave();
  });

  // An htmx request that failed (403, 500, network): say so instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    showFlash("error", event.detail.xhr.status === 403
      ? "You don't have permission to do that."
      : "That didn't work (error " + event.detail.xhr.status + "). Reload the page and try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    showFlash("error", "The server could not be reached. Check your connection and try again.");
  });

  function showFlash(tone, text) {
    var region = document.getElementById("flash");
    if (!region) return;
    var box = document.createElement("div");
    box.className = "alert alert-" + tone;
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.className = "alert-text";
    p.textContent = text;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "alert-close";
    button.setAttribute("data-dismiss", "");
    button.setAttribute("aria-label", "Dismiss");
    button.textContent = "×";
    box.appendChild(p);
    box.appendChild(button);
    region.replaceChildren(box);
  }
})();
