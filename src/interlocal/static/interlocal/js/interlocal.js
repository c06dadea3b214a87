// Interlocal's small progressive enhancements. Everything works without JavaScript.
(function () {
  "use strict";

  // After htmx refreshes a table, announce its new summary ("Showing 1–25 of 50 rows") in the
  // page's persistent live region: a swapped-in role="status" is not reliably read out.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.classList || !target.classList.contains("il-table__results")) {
      var swapped = document.getElementById(target && target.id);
      if (!swapped || !swapped.classList.contains("il-table__results")) return;
      target = swapped;
    }
    var fresh = document.getElementById(target.id) || target;
    var status = fresh.querySelector("[role=status]");
    var live = document.getElementById("il-live");
    if (status && live) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = status.textContent.trim().replace(/\s+/g, " "); }, 50);
    }
  });
})();
