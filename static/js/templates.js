// Template editor behaviour (no inline scripts: the Content-Security-Policy forbids them).
// Rendering, counting and validation all happen on the server; this file only switches
// tabs, keeps the preview in step with them, and remembers the sample data per template.
(function () {
  "use strict";

  function form() { return document.getElementById("template-form"); }
  function card() { return document.getElementById("preview-card"); }

  // Ask htmx for a fresh preview (the form's hx-trigger listens for this event).
  function refresh() {
    var f = form();
    if (f && window.htmx && f.hasAttribute("hx-post")) window.htmx.trigger(f, "tpl-refresh");
  }

  function selectTab(tabs, chosen) {
    tabs.forEach(function (tab) {
      var on = tab === chosen;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    });
  }

  function showLocale(code) {
    var tabs = Array.prototype.slice.call(document.querySelectorAll(".tpl-tab[data-locale]"));
    var chosen = tabs.filter(function (t) { return t.dataset.locale === code; })[0];
    if (!chosen) return;
    selectTab(tabs, chosen);
    var input = document.getElementById("preview-locale");
    if (input && input.value !== code) { input.value = code; refresh(); }
  }

  // One channel at a time, in every locale panel and in the preview.
  function showChannel(channel) {
    document.querySelectorAll(".tpl-panel").forEach(function (panel) {
      var tabs = Array.prototype.slice.call(panel.querySelectorAll(".tpl-ctab"));
      var chosen = tabs.filter(function (t) { return t.dataset.channel === channel; })[0];
      if (chosen) selectTab(tabs, chosen);
    });
    var input = document.getElementById("preview-channel");
    if (input) input.value = channel;
    if (card()) card().dataset.channel = channel;
    syncPressed();
  }

  function syncPressed() {
    var c = card();
    if (!c) return;
    c.querySelectorAll("[data-preview-channel]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.previewChannel === c.dataset.channel ? "true" : "false");
    });
    c.querySelectorAll("[data-mail-view]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.mailView === c.dataset.mailView ? "true" : "false");
    });
    c.querySelectorAll("[data-mail-width]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.mailWidth === c.dataset.mailWidth ? "true" : "false");
    });
  }

  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest("[role=tab]");
    if (!tab || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll("[role=tab]"));
    var next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var t = event.target;
    var hit;
    if ((hit = t.closest("[data-confirm]"))) {
      if (!window.confirm(hit.getAttribute("data-confirm"))) { event.preventDefault(); return; }
    }
    if ((hit = t.closest(".tpl-tab[data-locale]"))) { showLocale(hit.dataset.locale); return; }
    if ((hit = t.closest(".tpl-ctab[data-channel]"))) { showChannel(hit.dataset.channel); return; }
    if ((hit = t.closest("[data-preview-channel]"))) { showChannel(hit.dataset.previewChannel); return; }
    // (The preview card carries data-mail-view/-width itself: match its buttons only.)
    if ((hit = t.closest("button[data-mail-view]"))) { card().dataset.mailView = hit.dataset.mailView; syncPressed(); return; }
    if ((hit = t.closest("button[data-mail-width]"))) { card().dataset.mailWidth = hit.dataset.mailWidth; syncPressed(); return; }
    if ((hit = t.closest("[data-add-row]"))) { addRow(hit.dataset.addRow); return; }
    if ((hit = t.closest("[data-remove-row]"))) { hit.closest(".tpl-data-row").remove(); markDirty(); refresh(); return; }
    if ((hit = t.closest("[data-reset-sample]"))) { resetSample(); }
  });

  function addRow(code) {
    var template = document.getElementById("data-row-" + code);
    var rows = document.querySelector('[data-rows="' + code + '"]');
    if (!template || !rows) return;
    rows.appendChild(template.content.cloneNode(true));
    var inputs = rows.querySelectorAll("input");
    if (inputs.length) inputs[inputs.length - 2].focus();
  }

  // Pickers and test-send fields must not re-render the preview on every keystroke.
  function isolate(root) {
    root.querySelectorAll("[data-no-live]").forEach(function (el) {
      if (el.dataset.isolated) return;
      el.dataset.isolated = "1";
      el.addEventListener("input", function (event) { event.stopPropagation(); });
      if (el.hasAttribute("data-refresh-on-change")) el.addEventListener("change", refresh);
    });
  }

  // ---- Sample data: remembered per template in this browser ---------------------------
  function sampleKey() { var f = form(); return f ? "herald.template-sample." + f.dataset.templateId : null; }

  function restoreSample() {
    var input = document.getElementById("sample-data");
    var key = sampleKey();
    if (!input || !key) return;
    var stored = null;
    try { stored = window.localStorage.getItem(key); } catch (e) { return; }
    if (stored && stored.trim() && stored !== input.value) { input.value = stored; refresh(); }
    input.addEventListener("input", function () {
      try { window.localStorage.setItem(key, input.value); } catch (e) { /* private mode */ }
    });
  }

  function resetSample() {
    var input = document.getElementById("sample-data");
    if (!input) return;
    input.value = input.dataset.skeleton || "{}";
    try { window.localStorage.removeItem(sampleKey()); } catch (e) { /* private mode */ }
    refresh();
  }

  // ---- Unsaved changes -----------------------------------------------------------------
  var dirty = false;
  function markDirty() { dirty = true; }
  document.addEventListener("input", function (event) {
    var f = form();
    if (f && f.contains(event.target) && !event.target.closest(".tpl-side")) markDirty();
  });
  document.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // ---- New template: suggest the key from the name -------------------------------------
  function slug(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 128);
  }
  document.addEventListener("input", function (event) {
    var source = event.target.closest("[data-name-source]");
    var target = document.querySelector("[data-key-target]");
    if (event.target.closest("[data-key-target]")) { event.target.dataset.touched = "1"; return; }
    if (source && target && !target.dataset.touched) target.value = slug(source.value);
  });

  // A locale tab says when its panel has an error (the preview refreshes the slots).
  function markLocaleErrors() {
    document.querySelectorAll(".tpl-tab[data-locale]").forEach(function (tab) {
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      tab.classList.toggle("has-error", !!(panel && panel.querySelector(".tpl-error:not(:empty)")));
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "preview-output") syncPressed();
    isolate(document);
  });
  document.addEventListener("htmx:afterSettle", markLocaleErrors);

  function init() {
    isolate(document);
    markLocaleErrors();
    syncPressed();
    restoreSample();
    var key = document.querySelector("[data-key-target]");
    if (key && key.value) key.dataset.touched = "1";
  }
  // After htmx has processed the page (its DOMContentLoaded handler was added first).
  if (document.readyState === "complete") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
