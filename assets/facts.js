// Fact and citation cards: the card opens on hover and on keyboard focus by CSS alone; this script adds what
// CSS cannot: a tap opens the card instead of jumping to the reference (a second tap follows the link),
// Escape closes it and leaves focus on the figure, and an open card is moved to stay inside the viewport.
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
})();
