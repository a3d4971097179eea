// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // A text for people in the page's language, written by base.html into #script-texts
  // (data-md-bold is pageText("mdBold")); the English fallback when a page has none.
  window.pageText = function (name, fallback) {
    var texts = document.getElementById("script-texts");
    return (texts && texts.dataset[name]) || fallback;
  };
  // htmx sends the CSRF token with every request it makes.
  document.addEventListener("htmx:configRequest", function (event) {
    var cookie = document.cookie.split("; ").find(function (c) { return c.indexOf("csrftoken=") === 0; });
    if (cookie) { event.detail.headers["X-CSRFToken"] = cookie.split("=")[1]; }
  });
  // Buttons marked data-confirm ask before submitting their form.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
