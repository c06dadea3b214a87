// Price tiers as an editable table (costing scenario form): add and remove rows, keep the
// "from quantity" column in step. Static file, no inline script; it finds its tables by
// data-tier-table. Without it the form still works (one empty row is always rendered).
(function () {
  "use strict";

  function renumber(table) {
    var rows = table.querySelectorAll("[data-tier-row]");
    var above = table.getAttribute("data-above") || "above";
    var previous = "0";
    rows.forEach(function (row, i) {
      var n = i + 1;
      var from = row.querySelector("[data-tier-from]");
      var upTo = row.querySelector("[data-tier-up-to]");
      var price = row.querySelector("[data-tier-price]");
      if (from) from.textContent = previous;
      var removeLabel = row.querySelector("[data-tier-remove] .usa-sr-only");
      if (removeLabel) removeLabel.textContent = removeLabel.textContent.replace(/\d+/, String(n));
      upTo.setAttribute("aria-label", upTo.getAttribute("aria-label").replace(/\d+/, String(n)));
      price.setAttribute("aria-label", price.getAttribute("aria-label").replace(/\d+/, String(n)));
      var value = upTo.value.trim();
      previous = value && !isNaN(Number(value)) ? above + " " + Number(value) : "—";
    });
  }

  function addRow(table) {
    var body = table.querySelector("[data-tier-rows]");
    var rows = body.querySelectorAll("[data-tier-row]");
    var template = rows[rows.length - 1];
    var row = template.cloneNode(true);
    row.classList.remove("bg-secondary-lighter");
    row.querySelectorAll("input").forEach(function (input) {
      input.value = "";
      input.classList.remove("usa-input--error");
      input.removeAttribute("aria-describedby");
    });
    body.appendChild(row);
    renumber(table);
    row.querySelector("[data-tier-up-to]").focus();
  }

  function removeRow(table, row) {
    var rows = table.querySelectorAll("[data-tier-row]");
    var next = row.nextElementSibling;
    if (next && next.hasAttribute("data-tier-errors")) next.remove();
    if (rows.length === 1) {
      // Keep one row to type in: clear it instead.
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    } else {
      row.remove();
    }
    renumber(table);
  }

  function setUp(table) {
    table.addEventListener("click", function (event) {
      var target = event.target.closest("button");
      if (!target || !table.contains(target)) return;
      if (target.hasAttribute("data-tier-add")) {
        event.preventDefault();
        addRow(table);
      } else if (target.hasAttribute("data-tier-remove")) {
        event.preventDefault();
        removeRow(table, target.closest("[data-tier-row]"));
      }
    });
    table.addEventListener("input", function (event) {
      if (event.target.hasAttribute("data-tier-up-to")) renumber(table);
    });
  }

  function init() {
    document.querySelectorAll("[data-tier-table]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
