// Long checkbox lists: "Select all", "Select none" and a filter box, for any fieldset with
// `data-il-checklist` (the form renderer marks every checkbox list longer than 10 options).
// No inline scripts or handlers (the site's CSP forbids them); without JavaScript the plain
// list still works. Options: data-il-checklist-label-filter / -all / -none / -count override
// the texts ("{selected}" and "{total}" and "{shown}" are replaced in the count).
(function () {
  "use strict";

  function options(fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll("input[type=checkbox]"));
  }

  function item(box) {
    return box.closest(".usa-checkbox") || box.parentElement;
  }

  function text(fieldset, name, fallback) {
    return fieldset.getAttribute("data-il-checklist-" + name) || fallback;
  }

  function setup(fieldset, index) {
    if (fieldset.getAttribute("data-il-checklist-ready")) return;
    fieldset.setAttribute("data-il-checklist-ready", "1");
    var boxes = options(fieldset);
    var id = "il-checklist-" + index;

    var bar = document.createElement("div");
    bar.className = "il-checklist-tools";

    var label = document.createElement("label");
    label.className = "usa-label margin-top-0";
    label.setAttribute("for", id + "-filter");
    label.textContent = text(fieldset, "label-filter", "Filter the list");
    var filter = document.createElement("input");
    filter.className = "usa-input il-checklist-filter";
    filter.type = "text"; // not "search": USWDS floats search inputs for its search bar
    filter.id = id + "-filter";
    filter.setAttribute("autocomplete", "off");
    filter.setAttribute("aria-controls", id + "-status");

    var buttons = document.createElement("div");
    buttons.className = "il-checklist-buttons";
    function button(name, fallback, checked) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "usa-button usa-button--outline usa-button--small";
      b.setAttribute("data-il-checklist-action", name);
      b.textContent = text(fieldset, "label-" + name, fallback);
      b.addEventListener("click", function () {
        // Only the options the filter shows: "select all" after filtering means "all these".
        boxes.forEach(function (box) {
          if (!item(box).hidden && !box.disabled) box.checked = checked;
        });
        update();
      });
      buttons.appendChild(b);
    }
    button("all", "Select all", true);
    button("none", "Select none", false);

    var status = document.createElement("p");
    status.className = "usa-hint il-checklist-status";
    status.id = id + "-status";
    status.setAttribute("aria-live", "polite");

    function update() {
      var selected = 0;
      var shown = 0;
      boxes.forEach(function (box) {
        if (box.checked) selected += 1;
        if (!item(box).hidden) shown += 1;
      });
      status.textContent = text(fieldset, "count", "{selected} of {total} selected, {shown} shown")
        .replace("{selected}", selected)
        .replace("{total}", boxes.length)
        .replace("{shown}", shown);
    }

    filter.addEventListener("input", function () {
      var needle = filter.value.trim().toLowerCase();
      boxes.forEach(function (box) {
        var lab = fieldset.querySelector("label[for='" + box.id + "']");
        var words = (lab ? lab.textContent : box.value).toLowerCase();
        item(box).hidden = needle !== "" && words.indexOf(needle) === -1;
      });
      update();
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", update);
    });

    bar.appendChild(label);
    bar.appendChild(filter);
    bar.appendChild(buttons);
    bar.appendChild(status);
    var legend = fieldset.querySelector("legend");
    var after = legend ? legend.nextSibling : fieldset.firstChild;
    // After the legend and any hint or error messages, before the first option.
    var first = boxes.length ? item(boxes[0]) : null;
    fieldset.insertBefore(bar, first && first.parentNode === fieldset ? first : after);
    update();
  }

  function setupAll(root) {
    var lists = (root || document).querySelectorAll("fieldset[data-il-checklist]");
    Array.prototype.forEach.call(lists, function (fieldset, i) {
      setup(fieldset, i + 1);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setupAll(document);
    });
  } else {
    setupAll(document);
  }
  // Forms that htmx swaps in get the same tools.
  document.addEventListener("htmx:afterSwap", function (event) {
    setupAll(event.detail.target);
  });
})();
