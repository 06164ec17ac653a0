/* The book's small fixes to its theme (loaded deferred on every page; see _ext/site_fixes.py). */
(function () {
  "use strict";

  /* 1. The sidebar buttons. pydata-sphinx-theme 0.17.1 (upstream issue #2451) and
   * sphinx-book-theme 1.3.0 bind their handlers to the first .primary-toggle and
   * .secondary-toggle of the page, which sit in a header that this layout hides; the
   * visible buttons in the article header did nothing. Each visible button now clicks
   * the bound one: on a phone the sidebar opens as a drawer, on a desktop the ☰ hides
   * and shows the sidebar. */
  ["primary-toggle", "secondary-toggle"].forEach(function (name) {
    var buttons = document.querySelectorAll("." + name);
    var bound = buttons[0];
    Array.prototype.slice.call(buttons, 1).forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    });
  });

  /* 2. Inline equations wider than their line (MathJax 3 does not break them) get a
   * scroll box of their own instead of being cut off; re-checked when the width changes. */
  function fitInlineMath() {
    document.querySelectorAll("mjx-container:not([display])").forEach(function (math) {
      math.classList.remove("xe-wide-math");
      var block = math.parentElement.closest("p, li, dd, td, div") || document.body;
      var box = math.getBoundingClientRect(), line = block.getBoundingClientRect();
      if (box.right > line.right + 1 || box.left < line.left - 1) {
        math.classList.add("xe-wide-math");
      }
    });
  }
  /* MathJax typesets lazily (ui/lazy, see _ext/local_mathjax.py): an equation when it
   * comes near the screen. A render action after each typesetting pass (priority 201, just
   * after MathJax inserts the output) re-checks the new ones. This script runs before
   * MathJax (both deferred, in order), while window.MathJax is still its configuration. */
  var config = window.MathJax;
  if (config && !config.version) {
    config.options = config.options || {};
    config.options.renderActions = config.options.renderActions || {};
    config.options.renderActions.xeFitInlineMath = [
      201, function () { fitInlineMath(); return false; }, function () { return false; }, false
    ];
  }
  if (document.querySelector(".math")) {
    var tries = 0;
    (function whenTypeset() {
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        MathJax.startup.promise.then(function () {
          fitInlineMath();
          document.documentElement.dataset.mathFitted = "true";
        });
        var timer;
        window.addEventListener("resize", function () {
          clearTimeout(timer);
          timer = setTimeout(fitInlineMath, 150);
        });
      } else if (tries++ < 200) {
        setTimeout(whenTypeset, 50);
      }
    })();
  }
})();
