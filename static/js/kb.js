// Knowledge base: the article link picker, the Markdown editor's toolbar and preview tab.
// Every page works without it; it only adds conveniences.
(function () {
  "use strict";

  // Put `text` in place of the textarea's selection and leave the cursor after it (or
  // select `selectFrom..selectTo` of the inserted text, relative to its start).
  function replaceSelection(area, text, selectFrom, selectTo) {
    var start = area.selectionStart, end = area.selectionEnd;
    area.focus();
    area.setRangeText(text, start, end, "end");
    if (typeof selectFrom === "number") {
      area.setSelectionRange(start + selectFrom, start + selectTo);
    }
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function markdownLink(title, url) {
    var safeTitle = title.replace(/([\[\]\\])/g, "\\$1");
    var safeUrl = url.replace(/\(/g, "%28").replace(/\)/g, "%29").replace(/ /g, "%20");
    return "[" + safeTitle + "](" + safeUrl + ")";
  }

  // --- article picker: "Insert link" puts [Title](URL) at the cursor of the target box.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-insert]");
    if (!button) { return; }
    var picker = button.closest("[data-kb-target]");
    var area = picker && document.getElementById(picker.getAttribute("data-kb-target"));
    if (!area) { return; }
    event.preventDefault();
    var link = markdownLink(button.getAttribute("data-kb-title"), button.getAttribute("data-kb-url"));
    var before = area.value.slice(0, area.selectionStart);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    replaceSelection(area, spacer + link);
    button.textContent = button.getAttribute("data-kb-inserted") || "Inserted";
  });

  // Enter in the picker's search box searches; it must not submit the reply form around it.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches(".kb-picker-input")) {
      event.preventDefault();
      if (window.htmx) { window.htmx.trigger(event.target, "search"); }
    }
  });

  // --- Markdown toolbar (placeholders in the page's language come from the buttons'
  // data-md-placeholder; these English ones are the fallback)
  var FORMATS = {
    bold: { before: "**", after: "**", placeholder: "bold text" },
    italic: { before: "*", after: "*", placeholder: "italic text" },
    code: { before: "`", after: "`", placeholder: "code" },
    heading: { line: "## ", placeholder: "Heading" },
    list: { line: "- ", placeholder: "List item" },
    numbered: { line: "1. ", placeholder: "First step" },
    link: { before: "[", after: "](https://)", placeholder: "link text" }
  };

  function applyFormat(area, name) {
    var format = FORMATS[name];
    if (!format) { return; }
    var selected = area.value.slice(area.selectionStart, area.selectionEnd);
    var button = document.querySelector('[data-kb-editor="' + area.id + '"] [data-md="' + name + '"]');
    var placeholder = (button && button.getAttribute("data-md-placeholder")) || format.placeholder;
    var text = selected || placeholder;
    if (format.line) {
      var atLineStart = area.selectionStart === 0 || area.value[area.selectionStart - 1] === "\n";
      var prefix = (atLineStart ? "" : "\n") + format.line;
      var body = text.split("\n").join("\n" + format.line);
      replaceSelection(area, prefix + body, prefix.length, prefix.length + body.length);
    } else {
      replaceSelection(area, format.before + text + format.after,
        format.before.length, format.before.length + text.length);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-md]");
    if (!button) { return; }
    var bar = button.closest("[data-kb-editor]");
    var area = bar && document.getElementById(bar.getAttribute("data-kb-editor"));
    if (area) { applyFormat(area, button.getAttribute("data-md")); }
  });

  document.addEventListener("keydown", function (event) {
    var area = event.target;
    if (!(event.ctrlKey || event.metaKey) || !area.classList || !area.classList.contains("kb-editor-text")) { return; }
    var key = event.key.toLowerCase();
    if (key === "b" || key === "i") {
      event.preventDefault();
      applyFormat(area, key === "b" ? "bold" : "italic");
    }
  });

  // --- Write / Preview tabs (htmx fetches the preview; this only shows one pane or the other)
  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[data-kb-tab]");
    if (!tab) { return; }
    var bar = tab.closest("[data-kb-editor]");
    var area = bar && document.getElementById(bar.getAttribute("data-kb-editor"));
    var preview = document.getElementById("kb-preview");
    if (!area || !preview) { return; }
    var showPreview = tab.getAttribute("data-kb-tab") === "preview";
    area.hidden = showPreview;
    preview.hidden = !showPreview;
    bar.querySelectorAll("[data-kb-tab]").forEach(function (other) {
      other.setAttribute("aria-pressed", other === tab ? "true" : "false");
    });
    bar.querySelectorAll("[data-md]").forEach(function (button) { button.disabled = showPreview; });
    if (!showPreview) { area.focus(); }
  });
})();
