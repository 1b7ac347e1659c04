// Fact and citation cards: the card opens on hover and on keyboard focus by CSS alone; this script adds what
// CSS cannot: a tap opens the card instead of jumping to the reference (a second tap follows the link),
// Escape closes it and leaves focus on the figure, and an open card is moved to stay inside the viewport.
// It also opens the reference a citation links to (each is one line until opened), and prints every
// disclosure open.
(function () {
  "use strict";
  var MARGIN = 8;

  function place(fact) {
    var card = fact.querySelector(".fact-card");
    if (!card) {
      return;
    }
    card.style.left = "";
    var viewport = document.documentElement.clientWidth;
    var box = card.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(card).position === "fixed") {
      return;
    }
    var shift = 0;
    if (box.right > viewport - MARGIN) {
      shift = viewport - MARGIN - box.right;
    }
    if (box.left + shift < MARGIN) {
      shift = MARGIN - box.left;
    }
    if (shift !== 0) {
      card.style.left = (parseFloat(getComputedStyle(card).left) || 0) + shift + "px";
    }
  }

  function closeAll(except) {
    Array.prototype.forEach.call(document.querySelectorAll(".fact.is-open"), function (fact) {
      if (fact !== except) {
        fact.classList.remove("is-open");
      }
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".fact-value") : null;
    if (!link) {
      if (!(event.target.closest && event.target.closest(".fact-card"))) {
        closeAll(null);
      }
      return;
    }
    var fact = link.parentNode;
    if (!fact.classList.contains("is-open")) {
      event.preventDefault();
      closeAll(fact);
      fact.classList.remove("is-dismissed");
      fact.classList.add("is-open");
      place(fact);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var active = document.activeElement;
    var fact = active && active.closest ? active.closest(".fact") : null;
    Array.prototype.forEach.call(document.querySelectorAll(".fact.is-open, .fact:hover"), function (open) {
      open.classList.remove("is-open");
      open.classList.add("is-dismissed");
    });
    if (fact) {
      fact.classList.remove("is-open");
      fact.classList.add("is-dismissed");
      fact.querySelector(".fact-value").focus();
    }
  });

  function reopen(event) {
    var fact = event.target.closest ? event.target.closest(".fact") : null;
    if (fact) {
      if (event.type === "focusin" && fact.classList.contains("is-dismissed") && fact.contains(event.relatedTarget)) {
        return;
      }
      fact.classList.remove("is-dismissed");
      place(fact);
    }
  }
  document.addEventListener("focusin", reopen);
  document.addEventListener("mouseover", function (event) {
    var fact = event.target.closest ? event.target.closest(".fact") : null;
    if (fact && !fact.contains(event.relatedTarget)) {
      reopen(event);
    }
  });
  document.addEventListener("focusout", function (event) {
    var fact = event.target.closest ? event.target.closest(".fact") : null;
    if (fact && !fact.contains(event.relatedTarget)) {
      fact.classList.remove("is-dismissed");
    }
  });
  window.addEventListener("resize", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".fact.is-open"), place);
  });

  // A reference is one line until opened: a link to it (a figure's citation, a calculation, a URL with #ref-2)
  // opens it, and every closed disclosure around or inside the target.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) {
      return;
    }
    var inner = target.tagName === "DETAILS" ? target : target.querySelector(":scope > details");
    if (inner) {
      inner.open = true;
    }
    for (var node = target.parentNode; node && node !== document; node = node.parentNode) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (link && !event.defaultPrevented) {
      setTimeout(openTarget, 0);  // the same #ref-1 again fires no hashchange
    }
  });
  openTarget();

  // A table wider than its box says so above it (the shadow at its edge is the only cue without this script).
  function markScrolling() {
    Array.prototype.forEach.call(document.querySelectorAll(".scroll-hint"), function (hint) {
      var box = hint.nextElementSibling;
      if (box && box.classList.contains("table-scroll")) {
        hint.hidden = box.scrollWidth <= box.clientWidth + 1;
      }
    });
  }
  window.addEventListener("resize", markScrolling);
  markScrolling();

  // Paper cannot be clicked: print every disclosure open, and close again afterwards those the reader had closed.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    // Without site.json's url the build wrote the page's path: the reader's own address is the better one.
    Array.prototype.forEach.call(document.querySelectorAll(".print-url[data-page-path]"), function (url) {
      if (/^https?:$/.test(location.protocol) && url.textContent === url.getAttribute("data-page-path")) {
        url.textContent = location.href.split("#")[0];
      }
    });
    openedForPrint = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (details) {
      details.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) {
      details.open = false;
    });
    openedForPrint = [];
  });
})();
