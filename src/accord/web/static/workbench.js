/* Accord workbench: draw the Vega-Lite charts of a page and keep the plan editor live.
   Only same-origin requests; everything here works without it except the live updates. */
(function () {
  "use strict";

  /* Every row of every inline data set of a spec (layers, concatenations, facets). */
  function specRows(spec) {
    var rows = [];
    (function walk(node) {
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (!node || typeof node !== "object") { return; }
      if (node.data && Array.isArray(node.data.values)) { rows = rows.concat(node.data.values); }
      Object.keys(node).forEach(function (k) { if (k !== "data") { walk(node[k]); } });
    })(spec);
    return rows;
  }

  function toCsv(rows) {
    var cols = [];
    rows.forEach(function (r) {
      Object.keys(r).forEach(function (k) { if (k !== "href" && cols.indexOf(k) < 0) { cols.push(k); } });
    });
    function cell(v) {
      var s = v === undefined || v === null ? "" : String(v);
      return /[",\n\r]/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s;
    }
    return [cols.map(cell).join(",")].concat(rows.map(function (r) {
      return cols.map(function (c) { return cell(r[c]); }).join(",");
    })).join("\r\n") + "\r\n";
  }

  function download(url, name) {
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  /* Buttons under a chart: SVG and PNG drawn by Vega here, CSV from the chart's own data. */
  function exportButtons(el, view, spec, key) {
    var old = el.parentNode.querySelector(".chart-export");
    if (old) { old.remove(); }
    var bar = document.createElement("div");
    bar.className = "chart-export";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Download this chart");
    [["svg", "SVG"], ["png", "PNG"], ["csv", "CSV (data)"]].forEach(function (kind) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.setAttribute("data-export", kind[0]);
      b.textContent = "Download " + kind[1];
      b.addEventListener("click", function () {
        if (kind[0] === "csv") {
          var blob = new Blob([toCsv(specRows(spec))], { type: "text/csv;charset=utf-8" });
          var url = URL.createObjectURL(blob);
          download(url, key + ".csv");
          window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          return;
        }
        view.toImageURL(kind[0], kind[0] === "png" ? 2 : 1).then(function (url) {
          download(url, key + "." + kind[0]);
        });
      });
      bar.appendChild(b);
    });
    el.insertAdjacentElement("afterend", bar);
  }

  function embedCharts(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    root.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-vega-spec"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var key = el.getAttribute("data-vega-spec").replace(/^spec-/, "chart-");
      window.vegaEmbed(el, spec, { actions: false, renderer: "svg" }).then(function (result) {
        exportButtons(el, result.view, spec, key);
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
      // Loading a draft, or leaving for another page (data-leave: "propose in my room").
      if (ev.submitter && (ev.submitter.hasAttribute("data-reset") ||
                           ev.submitter.hasAttribute("data-leave"))) { return; }
      ev.preventDefault();
      update();
    });
  }

  /* The scenario page's assumptions: filter rows by words, kind and party (a plain table without JS). */
  function assumptionFilter(box) {
    var table = document.getElementById("assumptions-table");
    if (!table) { return; }
    var text = document.getElementById("af-text"), kind = document.getElementById("af-kind");
    var party = document.getElementById("af-party"), count = document.getElementById("af-count");
    var total = table.querySelectorAll("tr[data-kind]").length;
    function apply() {
      var words = text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      table.querySelectorAll("tbody[data-group]").forEach(function (group) {
        var inParty = !party.value || group.getAttribute("data-group") === party.value;
        var visible = 0;
        group.querySelectorAll("tr[data-kind]").forEach(function (row) {
          var hay = (group.getAttribute("data-group") + " " + row.textContent).toLowerCase();
          var ok = inParty && (!kind.value || row.getAttribute("data-kind") === kind.value) &&
            words.every(function (w) { return hay.indexOf(w) >= 0; });
          row.hidden = !ok;
          if (ok) { visible++; }
        });
        group.hidden = visible === 0;
        shown += visible;
      });
      count.textContent = shown + " of " + total + " shown";
    }
    [text, kind, party].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
    box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var filter = document.getElementById("assumption-filter");
    if (filter) { assumptionFilter(filter); }
    embedCharts(document);
    var form = document.getElementById("plan-form");
    if (form) { planEditor(form); }
  });
})();
