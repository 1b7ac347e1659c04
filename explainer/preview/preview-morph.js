// python build.py serve only (never linked from a built page): when the server says the open page changed, fetch
// it again and patch the page in place with Idiomorph (vendor/idiomorph.min.js, served just before this file),
// so the reader keeps their scroll position, an open card, an open reference and an upgraded chart. A full
// reload instead when a patch cannot be right: the page is gone (any answer but 200), its stylesheets, scripts
// or Content-Security-Policy changed (the scripts running now would be the old ones), or the morph throws.
//
// Served by server.py in /livereload.js (preview_scripts.py), after Idiomorph and before livereload's client,
// whose plugin (overlay.py) calls window.explainerPreview.patch() on a page reload message ("*"). Never under
// assets/: that folder is published with the site.
(function () {
  "use strict";

  var RELOAD_SCRIPT = 'script[src^="/livereload.js"]';
  // Classes assets/facts.js sets on served elements (an open card, one closed by Escape): a patch keeps them,
  // since the new page, as built, has none of them.
  var SCRIPT_CLASSES = ["is-open", "is-dismissed"];
  // Elements assets/charts.js adds (an embed snippet's copy button and its status): not in the built page.
  var SCRIPT_MADE = ".embed-copy, .embed-copy-status";

  var running = null;  // the patch under way; a reload message during it asks for one more after it
  var again = false;

  // What the page loads and runs, as the server read it from the built page (overlay.py, page_resources): when
  // the new page's differs, the scripts already running are not the page's. Not read from this document, to
  // which the page's scripts add their own (charts.js: the chart runtime).
  function resourcesOf(doc) {
    var script = doc.querySelector(RELOAD_SCRIPT);
    return script ? script.getAttribute("data-resources") : null;
  }
  var shownResources = resourcesOf(document);

  function generationOf(doc) {
    var script = doc.querySelector(RELOAD_SCRIPT);
    var match = script && /[?&]generation=(\d+)/.exec(script.getAttribute("src"));
    return match ? Number(match[1]) : null;
  }

  // An upgraded chart (charts.js put its interactive view over the static picture) stays upgraded while its
  // static picture, the chart as built, is the same; otherwise the new static picture shows.
  function keepsUpgradedChart(oldFigure, newFigure) {
    var oldPicture = oldFigure.querySelector(".chart-static");
    var newPicture = newFigure.querySelector(".chart-static");
    return oldFigure.classList.contains("chart-upgraded") && Boolean(oldPicture && newPicture) &&
      oldPicture.outerHTML === newPicture.outerHTML;
  }

  var callbacks = {
    beforeNodeMorphed: function (oldNode, newNode) {
      if (oldNode.nodeType !== 1 || newNode.nodeType !== 1) {
        return true;
      }
      // Unchanged as the reader sees it now (a script's class or attribute makes it differ): nothing to patch in
      // it, and Idiomorph would visit every node below (a chapter with its cards, 200 KB: 17-30 ms, and 2 ms
      // with this test, which the browser does natively).
      if (oldNode.isEqualNode(newNode)) {
        return false;
      }
      if (oldNode.matches("figure.chart") && keepsUpgradedChart(oldNode, newNode)) {
        newNode.classList.add("chart-upgraded");
      }
      if (oldNode.classList.contains("chart-view") && oldNode.closest(".chart-upgraded")) {
        return false;  // kept, with its interactive view: its figure stayed upgraded (above)
      }
      SCRIPT_CLASSES.forEach(function (name) {
        if (oldNode.classList.contains(name)) {
          newNode.classList.add(name);
        }
      });
      if (oldNode.tagName === "DETAILS" && oldNode.open) {
        newNode.setAttribute("open", "");  // a reference the reader opened
      }
      return true;
    },
    // A built page has no style attributes (its Content-Security-Policy refuses them): every one was set by a
    // script (a placed card's position, the problems overlay's look), so a patch leaves them.
    beforeAttributeUpdated: function (name) {
      return name !== "style";
    },
    beforeNodeRemoved: function (node) {
      return !(node.matches && (node.matches(RELOAD_SCRIPT) || node.matches(SCRIPT_MADE)));
    }
  };

  function morph(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var resources = resourcesOf(doc);
    if (!resources || resources !== shownResources) {
      return false;
    }
    var generation = generationOf(doc);
    var reloadScript = doc.querySelector(RELOAD_SCRIPT);
    if (reloadScript) {
      reloadScript.remove();  // the page's own copy stays: a second one would start a second client
    }
    // ignoreActiveValue: what the reader is typing (the search box) stays as typed.
    Idiomorph.morph(document.documentElement, doc.documentElement,
                    {callbacks: callbacks, head: {style: "merge"}, ignoreActiveValue: true});
    if (generation !== null) {
      window.explainerPreview.generation = generation;
    }
    if (typeof window.explainerStyleOverlay === "function") {
      window.explainerStyleOverlay();  // a problems overlay the patch added
    }
    // facts.js places open cards again and shows the hints of tables wider than their box, on a resize.
    window.dispatchEvent(new Event("resize"));
    document.dispatchEvent(new CustomEvent("explainer-preview-patched"));
    return true;
  }

  function patchOnce() {
    return fetch(location.href, {cache: "no-store", credentials: "same-origin"}).then(function (response) {
      if (response.status !== 200) {
        return false;  // the page was removed: the reload shows the site's 404 page
      }
      return response.text().then(morph);
    });
  }

  function patch() {
    if (running) {
      again = true;
      return true;
    }
    running = patchOnce().catch(function (error) {
      console.warn("The preview could not patch the page; reloading it:", error);
      return false;
    }).then(function (patched) {
      running = null;
      if (!patched) {
        location.reload();
      } else if (again) {
        again = false;
        patch();
      }
    });
    return true;
  }

  window.explainerPreview = {patch: patch, generation: null};
})();
