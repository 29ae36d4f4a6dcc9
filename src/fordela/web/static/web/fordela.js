// Render every Vega-Lite chart on the page (and after htmx swaps) from its JSON script tag.
(function () {
  // On a narrow screen (a phone) a legend beside the plot and a title on one line would take the
  // whole width and leave the bars none: the legend goes under the plot and the title wraps.
  var narrow = window.matchMedia("(max-width: 40em)");
  function wrap(text, width) {
    var most = Math.max(20, Math.floor(width / 8.5)), lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > most) { lines.push(line); line = word; }
      else line = line ? line + " " + word : word;
    });
    if (line) lines.push(line);
    return lines.length > 1 ? lines : String(text);
  }
  function fit(spec, width) {
    if (!narrow.matches) return spec;
    spec.config = spec.config || {};
    spec.config.legend = Object.assign({}, spec.config.legend, { orient: "bottom", direction: "vertical", labelLimit: Math.max(60, width - 140) });
    // A title centred over the plot would run out on the right past long axis labels on the left.
    spec.config.title = Object.assign({}, spec.config.title, { anchor: "start", frame: "bounds" });
    // Level category names under the bars break into lines at their spaces and get the bar
    // group's width, instead of running into each other.
    var x = spec.encoding && spec.encoding.x;
    if (x && x.type === "nominal" && x.axis && x.axis.labelAngle === 0 && !x.axis.labelExpr) {
      x.axis = Object.assign({}, x.axis, { labelExpr: "split(datum.label, ' ')", labelLimit: { expr: "max(40, bandwidth('x'))" } });
    }
    if (typeof spec.title === "string") spec.title = wrap(spec.title, width);
    else if (spec.title && typeof spec.title.text === "string") spec.title.text = wrap(spec.title.text, width);
    return spec;
  }
  function render(root) {
    root.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-vega-spec"));
      if (!source || !window.vegaEmbed) return;
      if (el.vegaResult) { el.vegaResult.finalize(); el.vegaResult = null; }
      // vega-embed names its container "Vega visualization"; the page's own name and role stay.
      if (!el.hasAttribute("data-label")) el.setAttribute("data-label", el.getAttribute("aria-label") || "");
      var swedish = document.documentElement.lang === "sv";
      // Within the Content-Security-Policy: ast = Vega's expression interpreter instead of eval;
      // no injected <style> (the embed's and the tooltip's rules are in fordela.css).
      var options = { actions: false, renderer: "svg", ast: true, defaultStyle: false, tooltip: { disableDefaultStyle: true } };
      if (swedish) {
        // Swedish number format in axes and tooltips: 1 091,6
        options.formatLocale = { decimal: ",", thousands: "\u00a0", grouping: [3], currency: ["", "\u00a0kr"] };
      }
      window.vegaEmbed(el, fit(JSON.parse(source.textContent), el.clientWidth), options)
        .then(function (result) {
          el.vegaResult = result;
          el.setAttribute("role", "img");
          el.setAttribute("aria-label", el.getAttribute("data-label"));
          el.removeAttribute("aria-roledescription");
          // The chart is described by its container's label; its drawing is decorative for screen readers.
          var svg = el.querySelector("svg");
          if (svg) { svg.setAttribute("aria-hidden", "true"); svg.removeAttribute("role"); svg.removeAttribute("aria-roledescription"); svg.removeAttribute("aria-label"); }
        })
        .catch(function (err) { el.textContent = ""; console.error(err); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (event) { render(event.target); });
  narrow.addEventListener("change", function () { render(document); });
})();

// A wide table scrolls inside its region; say so. data-scroll names where there is more to see
// ("end": to the right, "start": to the left, "both"), which the stylesheet shows as a faded edge
// and a shadow on the first column, and a note at the top of the region says it scrolls (the note's text
// comes translated from the page, <body data-scroll-hint>). No library does this small thing.
(function () {
  var SELECTOR = ".table-wrap, .table-scroll";
  function mark(region) {
    var room = region.scrollWidth - region.clientWidth;
    var state = "";
    if (room > 1) {
      var left = region.scrollLeft > 1, right = region.scrollLeft < room - 1;
      state = left && right ? "both" : right ? "end" : "start";
    }
    if (state) region.setAttribute("data-scroll", state); else region.removeAttribute("data-scroll");
    var hint = region.querySelector(":scope > .scroll-hint");
    if (hint) hint.hidden = !state;
  }
  function watch(root) {
    var text = document.body.getAttribute("data-scroll-hint");
    root.querySelectorAll(SELECTOR).forEach(function (region) {
      if (region.hasAttribute("data-scroll-watched")) return;
      region.setAttribute("data-scroll-watched", "");
      if (text && !region.querySelector(":scope > .scroll-hint")) {
        // Inside the region (sticky to its left edge), so that selectors of what follows a heading
        // still find the region, and a screen reader hears the note in the region.
        var hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.textContent = text;
        hint.hidden = true;
        region.insertBefore(hint, region.firstChild);
      }
      region.addEventListener("scroll", function () { mark(region); }, { passive: true });
      if (window.ResizeObserver) {
        new ResizeObserver(function () { mark(region); }).observe(region);
        var table = region.querySelector("table");
        if (table) new ResizeObserver(function () { mark(region); }).observe(table);
      }
      mark(region);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { watch(document); });
  document.addEventListener("htmx:afterSettle", function (event) { watch(event.target.ownerDocument || document); });
  window.addEventListener("resize", function () { document.querySelectorAll(SELECTOR).forEach(mark); });
})();

// The header's menu folds behind its button on a phone (the stylesheet hides it only there).
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-toggle");
    if (!button) return;
    var header = button.closest(".site-header");
    header.setAttribute("data-menu", "");
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () {
      button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
    });
  });
})();
