// Renders every server-built Vega-Lite chart on the page. Markup (templates/includes/chart.html):
//   <figure class="il-chart"><div data-vega-spec="SPEC_ID"></div>...</figure>
//   {{ spec|json_script:"SPEC_ID" }}
// The data behind each chart is also on the page as a table, so nothing depends on this script.
(function () {
  "use strict";

  function render() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      if (el.dataset.vegaRendered) return;
      var source = document.getElementById(el.dataset.vegaSpec);
      if (!source) return;
      el.dataset.vegaRendered = "1";
      var spec = JSON.parse(source.textContent);
      window
        .vegaEmbed(el, spec, {
          actions: { export: true, source: false, compiled: false, editor: false },
          renderer: "svg",
          // The Content-Security-Policy allows no eval and no inline <style>: Vega's expressions
          // run in its interpreter (not compiled with `new Function`), and vega-embed's and
          // vega-tooltip's CSS comes from vendor/vega/vega-embed.css (includes/chart_scripts.html).
          ast: true,
          defaultStyle: false,
          forceActionsMenu: true,
          tooltip: { disableDefaultStyle: true },
        })
        .then(function (result) {
          el.classList.add("il-chart--ready");
          // vega-embed's export menu is a <details> whose <summary> holds only an icon: name it.
          var summary = el.querySelector("details > summary");
          if (summary && !summary.getAttribute("aria-label")) {
            summary.setAttribute("aria-label", "Export this chart");
            summary.setAttribute("title", "Export this chart");
          }
          var svg = el.querySelector("svg");
          if (svg && el.dataset.vegaLabel) {
            svg.setAttribute("role", "img");
            svg.setAttribute("aria-label", el.dataset.vegaLabel);
          }
          return result;
        })
        .catch(function (error) {
          el.textContent = "The chart could not be drawn; the table below has the same figures.";
          console.error(error);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", render);
  document.addEventListener("htmx:afterSettle", render);
})();
