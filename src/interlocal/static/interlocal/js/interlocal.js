// Interlocal's small progressive enhancements. Everything works without JavaScript.
(function () {
  "use strict";

  function tableResults(target) {
    if (!target || !target.id) return null;
    var fresh = document.getElementById(target.id);
    return fresh && fresh.classList.contains("il-table__results") ? fresh : null;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var results = tableResults(event.detail.target);
    if (!results) return;
    var status = results.querySelector("[role=status]");
    // Announce the new summary ("Showing 1–25 of 50 rows") in the page's persistent live
    // region: a swapped-in role="status" is not reliably read out.
    var live = document.getElementById("il-live");
    if (status && live) {
      live.textContent = "";
      window.setTimeout(function () {
        live.textContent = status.textContent.trim().replace(/\s+/g, " ");
      }, 50);
    }
    // A sort or page link was replaced by the swap: keep keyboard focus at the table's top
    // instead of dropping it to the start of the page. (Typing in the filters keeps its focus.)
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (trigger && trigger.tagName === "A" && status) {
      status.setAttribute("tabindex", "-1");
      status.focus({ preventScroll: false });
    }
  });
})();
