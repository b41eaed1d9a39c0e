/* Accord workbench: draw the Vega-Lite charts of a page and keep the plan editor live.
   Only same-origin requests; everything here works without it except the live updates. */
(function () {
  "use strict";

  function embedCharts(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    root.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-vega-spec"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      window.vegaEmbed(el, spec, { actions: false, renderer: "svg" }).then(function () {
        el.setAttribute("data-rendered", "true");
      }).catch(function (err) {
        el.textContent = "The chart could not be drawn (" + err.message + "); its numbers are in the table below.";
      });
    });
  }

  function planEditor(form) {
    var results = document.getElementById("results");
    var live = document.getElementById("live-summary");
    var url = form.getAttribute("data-evaluate");
    var base = form.getAttribute("data-base");
    var latest = 0;

    function params() {
      var p = new URLSearchParams();
      if (base) { p.set("base", base); }
      form.querySelectorAll("select[data-draft]").forEach(function (sel) {
        p.set(sel.name, sel.value);
        var field = sel.closest(".field");
        if (field) { field.classList.toggle("changed", sel.value !== sel.getAttribute("data-draft")); }
      });
      // what-if: only the numbers moved away from the scenario's travel
      form.querySelectorAll("input[type=range][data-what-if]").forEach(function (r) {
        var moved = Math.abs(parseFloat(r.value) - parseFloat(r.getAttribute("data-nominal"))) > 1e-9;
        if (moved) { p.set(r.name, r.value); }
        var box = r.closest(".slider");
        if (box) { box.classList.toggle("changed", moved); }
      });
      form.querySelectorAll("input[type=checkbox][data-what-if]").forEach(function (c) {
        if (c.checked) { p.set(c.name, c.value); }
      });
      return p;
    }

    var inFlight = false, again = false;

    function update() {
      if (inFlight) { again = true; return; }
      inFlight = true;
      var p = params();
      var mine = ++latest;
      results.setAttribute("aria-busy", "true");
      fetch(url + "?" + p.toString(), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (answer) {
          if (mine !== latest) { return; }
          if (!answer.ok) { throw new Error(answer.body.error || "evaluation failed"); }
          results.innerHTML = answer.body.html;
          if (live) { live.textContent = answer.body.summary; }
          embedCharts(results);
          history.replaceState(null, "", form.getAttribute("action") + "?" + p.toString());
        })
        .catch(function (err) {
          if (mine !== latest) { return; }
          results.innerHTML = "";
          var msg = document.createElement("p");
          msg.className = "error";
          msg.setAttribute("role", "alert");
          msg.textContent = "Could not evaluate the plan: " + err.message;
          results.appendChild(msg);
        })
        .finally(function () {
          inFlight = false;
          if (again) { again = false; update(); return; }
          if (mine === latest) { results.removeAttribute("aria-busy"); }
        });
    }

    form.addEventListener("change", function (ev) {
      if (ev.target && ev.target.matches("select[data-draft], [data-what-if]")) { update(); }
    });
    form.addEventListener("input", function (ev) {
      var r = ev.target;
      if (!r || !r.matches("input[type=range][data-what-if]")) { return; }
      var out = document.getElementById(r.id + "-v");
      if (out) { out.textContent = String(Number(parseFloat(r.value).toPrecision(3))); }
      update();
    });
    form.addEventListener("submit", function (ev) {
      if (ev.submitter && ev.submitter.hasAttribute("data-reset")) { return; }
      ev.preventDefault();
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    embedCharts(document);
    var form = document.getElementById("plan-form");
    if (form) { planEditor(form); }
  });
})();
