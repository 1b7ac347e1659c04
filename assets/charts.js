// Upgrades each chart's static SVG in place to the interactive Vega view (tooltips), in the reader's colour
// scheme. The static picture stays until the view has rendered, and stays for good if anything fails: the
// page never loses a chart to a script error. Loaded only on pages with charts, after vendor/vega-embed.js.
(function () {
  "use strict";

  if (typeof window.vegaEmbed !== "function" || !window.matchMedia) {
    return;
  }
  var darkScheme = window.matchMedia("(prefers-color-scheme: dark)");

  // The spec is the Vega-Lite JSON written at build time; its own config is the light theme, and the dark
  // one travels in usermeta. A fresh parse per render, so one scheme's config never leaks into the other.
  function specFor(figure) {
    var spec = JSON.parse(figure.querySelector("script.chart-spec").textContent);
    if (darkScheme.matches && spec.usermeta && spec.usermeta.darkConfig) {
      spec.config = spec.usermeta.darkConfig;
    }
    return spec;
  }

  function render(figure) {
    var view = figure.querySelector(".chart-view");
    var previous = view.querySelector(".chart-interactive");
    var holder = document.createElement("div");
    holder.className = "chart-interactive";
    view.appendChild(holder);
    var options = {
      // Vega's expression interpreter instead of compiled code: runs under a CSP without 'unsafe-eval'.
      ast: true,
      // No export or "open in editor" menu: the editor action posts the data to another site.
      actions: false,
      renderer: "svg",
      tooltip: { theme: darkScheme.matches ? "dark" : "light" }
    };
    var spec;
    try {
      spec = specFor(figure);
    } catch (error) {
      holder.remove();
      console.warn("Chart " + figure.id + " keeps its static picture:", error);
      return;
    }
    window.vegaEmbed(holder, spec, options).then(function (result) {
      if (previous) {
        previous.remove();
        if (previous.vegaResult) {
          previous.vegaResult.finalize();
        }
      }
      holder.vegaResult = result;
      figure.classList.add("chart-upgraded");
    }).catch(function (error) {
      holder.remove();
      console.warn("Chart " + figure.id + " keeps its static picture:", error);
    });
  }

  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart"));
  figures.forEach(render);
  // A reader who switches between light and dark gets the chart in the new scheme.
  var onSchemeChange = function () { figures.forEach(render); };
  if (darkScheme.addEventListener) {
    darkScheme.addEventListener("change", onSchemeChange);
  } else if (darkScheme.addListener) {
    darkScheme.addListener(onSchemeChange);
  }
})();
