// A section folded away opens when the section list (or a link to one of its questions) leads to it.
(function () {
  function reveal(hash) {
    if (!hash || hash.length < 2) return;
    var target = document.getElementById(hash.slice(1));
    var details = target && (target.tagName === "DETAILS" ? target : target.closest("details"));
    if (details) { details.open = true; target.scrollIntoView(); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (link) reveal(link.getAttribute("href"));
  });
  window.addEventListener("hashchange", function () { reveal(window.location.hash); });
  reveal(window.location.hash);
})();
