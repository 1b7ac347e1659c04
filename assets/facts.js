// Fact and citation cards: the card opens on hover and on keyboard focus by CSS alone (below the figure; on a
// phone, as a sheet at the bottom of the screen, on keyboard focus only). This script adds what CSS cannot: a
// tap or click opens the card instead of jumping to the reference (a second one follows the link), Escape
// closes it and leaves focus on the figure, and an open card is placed where it fits: below the figure, above
// it where there is no room below, and, where neither has room, on the roomier side with its own scroll bar;
// never past the viewport's sides, and never cut off by a table that scrolls sideways (a placed card is
// position: fixed, and follows its figure when the page or the table scrolls). A keyboard focus or a tap also
// scrolls the page so the whole card and its figure are in view; on a phone, the figure clear of the sheet.
// It also opens the reference a citation links to (each is one line until opened), and prints every
// disclosure open.
(function () {
  "use strict";
  var MARGIN = 8;  // px kept between a card and the viewport's edges
  var placed = [];  // the facts whose cards were placed and may still be open, to follow their figures

  // reveal: the reader asked for this card (keyboard focus, a tap): the page may scroll to show it whole. A
  // pointer's hover or press never scrolls, as the page would move under the pointer mid-click.
  function place(fact, reveal) {
    var card = fact.querySelector(".fact-card");
    var figure = fact.querySelector(".fact-value");
    if (!card || !figure) {
      return;
    }
    var scrolled = card.scrollTop;  // of a card with its own scroll bar, kept while it is placed again
    card.style.position = card.style.left = card.style.top = card.style.maxHeight = "";
    if (card.getBoundingClientRect().width === 0) {
      return;  // closed
    }
    if (placed.indexOf(fact) < 0) {
      placed.push(fact);
    }
    if (reveal) {
      figure.scrollIntoView({block: "nearest", inline: "nearest"});  // also inside a table scrolled sideways
    }
    if (getComputedStyle(card).position === "fixed") {
      if (reveal) {
        clearOfSheet(figure, card);
      }
      return;
    }
    var viewportWidth = document.documentElement.clientWidth;
    var viewportHeight = document.documentElement.clientHeight;
    card.style.position = "fixed";
    card.style.maxHeight = "none";
    var size = card.getBoundingClientRect();
    var height = size.height;
    var box = figure.getBoundingClientRect();
    var down = box.bottom + height - (viewportHeight - MARGIN);  // the scroll that makes room below
    var up = box.top - height - MARGIN;  // and above (negative: upwards)
    if (reveal && down > 0 && up < 0) {
      if (height + box.height + 2 * MARGIN <= viewportHeight) {
        window.scrollBy(0, down < -up ? down : up);  // the page can show both: the shorter way
      } else {
        window.scrollBy(0, box.top - MARGIN);  // it cannot: the figure at the top, the most room under it
      }
      box = figure.getBoundingClientRect();
    }
    // The card touches its figure: a pointer moving from one to the other never leaves the fact (:hover).
    var below = viewportHeight - MARGIN - box.bottom;
    var above = box.top - MARGIN;
    var top;
    if (height <= below || (height > above && below >= above)) {
      top = box.bottom;
      height = Math.min(height, below);
    } else {
      height = Math.min(height, above);
      top = box.top - height;
    }
    card.style.maxHeight = Math.max(height, 0) + "px";
    card.style.left = Math.max(MARGIN, Math.min(box.left, viewportWidth - MARGIN - size.width)) + "px";
    card.style.top = top + "px";
    card.scrollTop = scrolled;
  }

  // A sheet covers the bottom of the screen: scroll the figure above it, so the reader sees what it is for.
  function clearOfSheet(figure, sheet) {
    var covered = figure.getBoundingClientRect().bottom + MARGIN - sheet.getBoundingClientRect().top;
    if (covered > 0) {
      window.scrollBy(0, covered);
    }
  }

  // An open card follows its figure as the page (or a table) scrolls or the window changes size, once a frame;
  // closed ones are forgotten (place() lists again those still open).
  var following = false;
  function follow(event) {
    if (following || placed.length === 0 || (event.target.closest && event.target.closest(".fact-card"))) {
      return;  // a card scrolling its own words stays where it is
    }
    following = true;
    requestAnimationFrame(function () {
      following = false;
      var open = placed;
      placed = [];
      open.forEach(function (fact) {
        place(fact, false);
      });
    });
  }
  document.addEventListener("scroll", follow, {capture: true, passive: true});
  window.addEventListener("resize", follow);

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
      // Opened on click, the end of a tap, never on its start: a sheet that appeared under the finger would take
      // the rest of the tap (a link in it followed).
      event.preventDefault();
      closeAll(fact);
      fact.classList.remove("is-dismissed");
      fact.classList.add("is-open");
      place(fact, true);
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

  function keyboardFocused(element) {
    try {
      return element.matches(":focus-visible");
    } catch (error) {
      return false;  // a browser without :focus-visible: no scrolling
    }
  }

  function reopen(event) {
    var fact = event.target.closest ? event.target.closest(".fact") : null;
    if (fact) {
      if (event.type === "focusin" && fact.classList.contains("is-dismissed") && fact.contains(event.relatedTarget)) {
        return;
      }
      fact.classList.remove("is-dismissed");
      var figure = fact.querySelector(".fact-value");
      place(fact, event.type === "focusin" && figure !== null && keyboardFocused(figure));
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
