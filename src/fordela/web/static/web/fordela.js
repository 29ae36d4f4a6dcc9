// Render every Vega-Lite chart on the page (and after htmx swaps) from its JSON script tag.
(function () {
  function render(root) {
    root.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-vega-spec"));
      if (!source || !window.vegaEmbed) return;
      var swedish = document.documentElement.lang === "sv";
      // Within the Content-Security-Policy: ast = Vega's expression interpreter instead of eval;
      // no injected <style> (the embed's and the tooltip's rules are in fordela.css).
      var options = { actions: false, renderer: "svg", ast: true, defaultStyle: false, tooltip: { disableDefaultStyle: true } };
      if (swedish) {
        // Swedish number format in axes and tooltips: 1 091,6
        options.formatLocale = { decimal: ",", thousands: "\u00a0", grouping: [3], currency: ["", "\u00a0kr"] };
      }
      window.vegaEmbed(el, JSON.parse(source.textContent), options)
        .then(function () {
          // The chart is described by its container's label; its drawing is decorative for screen readers.
          var svg = el.querySelector("svg");
          if (svg) { svg.setAttribute("aria-hidden", "true"); svg.removeAttribute("role"); svg.removeAttribute("aria-roledescription"); svg.removeAttribute("aria-label"); }
        })
        .catch(function (err) { el.textContent = ""; console.error(err); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (event) { render(event.target); });
})();
