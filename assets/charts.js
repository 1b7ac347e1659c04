// Charts: the static SVG shows at once; the interactive Vega view (tooltips) comes only when a reader reaches
// for a chart. The runtime is about 300 KB gzipped, ten times the rest of a chart page, so it loads on the
// first pointer over, touch on or keyboard focus on a chart (the picture is one tab stop), and then every chart
// of the page is upgraded in place, that one first. The static picture stays until a view has rendered, and
// for good if anything fails: the page never loses a chart to a script error. Also: the embed snippet gets the
// page's own address and a copy button.
//
// The runtime's address is the figure's data-runtime attribute, relative to the page, so it follows the page
// under any URL prefix, from disk, and when the build gives the file a content-hashed name.
(function () {
  "use strict";

  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart[data-runtime]"));
  var darkScheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var runtime = null; // a Promise once some chart has asked for the runtime

  function loadRuntime(url) {
    if (!runtime) {
      runtime = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = url;
        script.onload = function () {
          if (typeof window.vegaEmbed === "function") {
            resolve(window.vegaEmbed);
          } else {
            reject(new Error(url + " did not define vegaEmbed"));
          }
        };
        script.onerror = function () { reject(new Error("could not load " + url)); };
        document.head.appendChild(script);
      });
      runtime.catch(function () { runtime = null; }); // the next interaction tries again
    }
    return runtime;
  }

  // The spec is the Vega-Lite JSON written at build time; its own config is the light theme, and the dark
  // one travels in usermeta. A fresh parse per render, so one scheme's config never leaks into the other.
  function specFor(figure, dark) {
    var spec = JSON.parse(figure.querySelector("script.chart-spec").textContent);
    if (dark && spec.usermeta && spec.usermeta.darkConfig) {
      spec.config = spec.usermeta.darkConfig;
    }
    return spec;
  }

  function keepStatic(figure, holder, error) {
    holder.remove();
    console.warn("Chart " + figure.id + " keeps its static picture:", error);
  }

  function render(vegaEmbed, figure) {
    var view = figure.querySelector(".chart-view");
    var previous = view.querySelector(".chart-interactive");
    var holder = document.createElement("div");
    holder.className = "chart-interactive";
    view.appendChild(holder);
    var dark = Boolean(darkScheme && darkScheme.matches);
    var spec;
    try {
      spec = specFor(figure, dark);
    } catch (error) {
      keepStatic(figure, holder, error);
      return;
    }
    vegaEmbed(holder, spec, {
      // Vega's expression interpreter instead of compiled code: runs under a CSP without 'unsafe-eval'.
      ast: true,
      // No export or "open in editor" menu: the editor action posts the data to another site.
      actions: false,
      renderer: "svg",
      tooltip: { theme: dark ? "dark" : "light" }
    }).then(function (result) {
      if (previous) {
        previous.remove();
        if (previous.vegaResult) {
          previous.vegaResult.finalize();
        }
      }
      holder.vegaResult = result;
      figure.classList.add("chart-upgraded");
    }).catch(function (error) {
      keepStatic(figure, holder, error);
    });
  }

  var started = false;

  function upgradeAll(first) {
    if (started) {
      return;
    }
    started = true;
    loadRuntime(first.getAttribute("data-runtime")).then(function (vegaEmbed) {
      [first].concat(figures.filter(function (figure) { return figure !== first; })).forEach(function (figure) {
        render(vegaEmbed, figure);
      });
      // A reader who switches between light and dark gets the charts in the new scheme.
      var onSchemeChange = function () { figures.forEach(function (figure) { render(vegaEmbed, figure); }); };
      if (darkScheme && darkScheme.addEventListener) {
        darkScheme.addEventListener("change", onSchemeChange);
      } else if (darkScheme && darkScheme.addListener) {
        darkScheme.addListener(onSchemeChange);
      }
    }).catch(function (error) {
      started = false;
      console.warn("The charts keep their static pictures:", error);
    });
  }

  if (window.Promise && darkScheme) {
    figures.forEach(function (figure) {
      var view = figure.querySelector(".chart-view");
      view.tabIndex = 0; // only with this script: without it there is nothing to upgrade on focus
      var start = function () { upgradeAll(figure); };
      view.addEventListener("pointerenter", start);
      view.addEventListener("touchstart", start, { passive: true });
      view.addEventListener("focus", start);
    });
  }

  // The embed snippet: on a published page, the embed page's full address in place of the relative one the
  // build wrote (when site.json gives no url), and a button that copies the code.
  Array.prototype.slice.call(document.querySelectorAll("pre.embed-code")).forEach(function (pre) {
    var code = pre.querySelector("code");
    var path = pre.getAttribute("data-embed-path");
    var relative = 'src="' + path + '"';
    if (/^https?:$/.test(window.location.protocol) && code.textContent.indexOf(relative) !== -1) {
      var address = new URL(path, document.baseURI).href.replace(/"/g, "&quot;");
      code.textContent = code.textContent.replace(relative, 'src="' + address + '"');
      var note = pre.parentNode.querySelector(".embed-relative");
      if (note) {
        note.hidden = true;
      }
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "embed-copy";
    // The page's words (templates/_chart.html writes them in its language, from the catalogue).
    button.textContent = pre.getAttribute("data-copy") || "Copy the code";
    var status = document.createElement("span");
    status.className = "embed-copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      var text = code.textContent;
      var copied = navigator.clipboard && window.isSecureContext
        ? navigator.clipboard.writeText(text)
        : new Promise(function (resolve, reject) {
          var range = document.createRange();
          range.selectNodeContents(code);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          (document.execCommand && document.execCommand("copy") ? resolve : reject)();
        });
      copied.then(function () {
        status.textContent = pre.getAttribute("data-copied") || "Copied.";
      }, function () {
        status.textContent = pre.getAttribute("data-copy-failed") || "Select the code and copy it.";
      });
    });
    pre.parentNode.insertBefore(button, pre.nextSibling);
    pre.parentNode.insertBefore(status, button.nextSibling);
  });
})();
