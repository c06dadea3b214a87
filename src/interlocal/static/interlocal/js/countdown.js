// Keeps the server-written countdowns ("Closes in 3 days 4 hours") up to date while the page is
// open. Reads data-countdown-until (an ISO 8601 UTC time) from each .il-countdown; no inline
// script, so it works under a Content-Security-Policy without 'unsafe-inline'. The wording
// follows core/templatetags/when.py's countdown_text. Without JavaScript the server's text stays.
(function () {
  "use strict";

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function text(msLeft) {
    var seconds = Math.floor(msLeft / 1000);
    if (seconds <= 0) return "Closed";
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var d = plural(days, "day", "days");
    var h = plural(hours, "hour", "hours");
    var m = plural(minutes, "minute", "minutes");
    var left;
    if (days) left = hours ? d + " " + h : d;
    else if (hours) left = minutes ? h + " " + m : h;
    else if (minutes) left = m;
    else left = "less than a minute";
    return "Closes in " + left;
  }

  function update() {
    var now = Date.now();
    document.querySelectorAll(".il-countdown[data-countdown-until]").forEach(function (el) {
      var until = Date.parse(el.getAttribute("data-countdown-until"));
      if (isNaN(until)) return;
      var fresh = text(until - now);
      if (el.textContent !== fresh) el.textContent = fresh;
      el.classList.toggle("il-countdown--closed", until <= now);
    });
  }

  function start() {
    if (!document.querySelector(".il-countdown[data-countdown-until]")) return;
    update();
    window.setInterval(update, 15000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // A countdown swapped in by htmx starts right away instead of at the next tick.
  document.addEventListener("htmx:afterSwap", update);
})();
