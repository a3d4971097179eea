// New-ticket form: propose the chosen type's default priority until the customer picks one.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("id_ticket_type");
    if (!select) { return; }
    var defaults = {};
    (select.getAttribute("data-default-priorities") || "").split(",").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts.length === 2) { defaults[parts[0]] = parts[1]; }
    });
    var chosenByHand = false;
    document.querySelectorAll("input[name='priority']").forEach(function (radio) {
      radio.addEventListener("change", function (event) { if (event.isTrusted) { chosenByHand = true; } });
    });
    select.addEventListener("change", function () {
      var priority = defaults[select.value];
      if (!priority || chosenByHand) { return; }
      var radio = document.querySelector("input[name='priority'][value='" + priority + "']");
      if (radio) { radio.checked = true; }
    });
  });
})();
