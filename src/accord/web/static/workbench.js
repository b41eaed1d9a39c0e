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
      return p;
    }

    function update() {
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
        .finally(function () { if (mine === latest) { results.removeAttribute("aria-busy"); } });
    }

    form.addEventListener("change", function (ev) {
      if (ev.target && ev.target.matches("select[data-draft]")) { update(); }
    });
    form.addEventListener("submit", function (ev) {
      // Loading a draft, or leaving for another page (data-leave: "propose in my room").
      if (ev.submitter && (ev.submitter.hasAttribute("data-reset") ||
                           ev.submitter.hasAttribute("data-leave"))) { return; }
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
