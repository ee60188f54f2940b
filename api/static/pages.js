// Progressive enhancement of the pages (api/pages/assets.py); every page works without it.
// Keyboard shortcuts: an element with data-shortcut="c" is clicked (a button) or followed (a link) when that
// key is pressed outside a text field and without Ctrl, Alt or Meta. Pages list their shortcuts in <kbd>.
// A form with data-confirm="…" asks before it is sent (reopen, activate, roll back).
(function () {
  "use strict";
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented || typing(event.target)) {
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var found = document.querySelector('[data-shortcut="' + (key === '"' ? "" : key) + '"]');
    if (!found || found.disabled) {
      return;
    }
    event.preventDefault();
    if (found.tagName === "A") {
      window.location.assign(found.href);
    } else if (typeof found.focus === "function" && (found.tagName === "INPUT" || found.tagName === "TEXTAREA" ||
               found.tagName === "SELECT")) {
      found.focus();
    } else {
      found.click();
    }
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
}());
