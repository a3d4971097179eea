// Admin time fields say which time zone they are in.
//
// Django admin shows and takes times in the zone the request runs in (the person's own, else
// the help desk's), and its clock shortcuts ("Now") already use that zone's offset from
// <body data-admin-utc-offset>. Its own note ("You are 5 hours ahead of server time") compares
// that offset with the browser's clock, which says nothing about what to type; this names the
// zone by the field instead. Times of a business calendar's opening hours are wall-clock times
// of the calendar's own zone, chosen on the same form: their label follows that choice.
(function () {
  "use strict";
  var shortcuts = window.DateTimeShortcuts;
  var meta = document.querySelector('meta[name="admin-time-zone"]');
  if (!shortcuts || !meta) { return; }
  var LABEL_CLASS = "time-zone-label";
  var wallClock = document.querySelector('meta[name="admin-wall-clock-zone"]');
  var wallClockField = wallClock && document.getElementById(wallClock.getAttribute("data-field"));

  function offsetText(seconds) {
    var sign = seconds < 0 ? "\u2212" : "+";
    var minutes = Math.abs(Math.round(seconds / 60));
    var hours = String(Math.floor(minutes / 60)).padStart(2, "0");
    return "UTC" + sign + hours + ":" + String(minutes % 60).padStart(2, "0");
  }

  function requestZoneText() {
    var offset = offsetText(parseInt(document.body.dataset.adminUtcOffset || "0", 10));
    var zone = meta.getAttribute("content");
    // A zone without a name of its own is called by its offset alone (not "-05 (UTC−05:00)").
    if (!zone || zone === offset || /^[+-]/.test(zone)) {
      return meta.getAttribute("data-offset-label").replace("{offset}", offset);
    }
    return meta.getAttribute("data-label").replace("{zone}", zone).replace("{offset}", offset);
  }

  function wallClockText() {
    var zone = wallClockField.value.trim();
    return wallClock.getAttribute("data-label").replace("{zone}", zone);
  }

  function isTimeOfDayOnly(input) {
    // A time without a date (opening hours): a split date-and-time keeps both in one parent.
    return input.classList.contains("vTimeField") && !input.parentNode.querySelector(".vDateField");
  }

  shortcuts.addTimezoneWarning = function (input) {
    // A date alone has no time zone to explain; a date with a time is labelled once, by
    // its time input.
    if (!input.classList.contains("vTimeField")) { return; }
    if (input.parentNode.querySelector("." + LABEL_CLASS)) { return; }
    var label = document.createElement("span");
    label.className = "help " + LABEL_CLASS;
    if (wallClockField && isTimeOfDayOnly(input)) {
      label.classList.add("wall-clock-zone");
      label.textContent = wallClockText();
    } else {
      label.textContent = requestZoneText();
    }
    input.parentNode.appendChild(label);
  };

  if (wallClockField) {
    wallClockField.addEventListener("change", function () {
      var text = wallClockText();
      document.querySelectorAll(".wall-clock-zone").forEach(function (label) {
        label.textContent = text;
      });
    });
  }
})();
