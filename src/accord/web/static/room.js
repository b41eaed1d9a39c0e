/* Accord room pages: confirm before a consequential click, show slider values, fill an
   invitation code from the link's fragment, and keep the room page live (server-sent
   events; on a change the page is fetched again and its live sections swapped).
   Everything works without this script except the live updates: the server asks for
   confirmation itself when a vote arrives unconfirmed. */
(function () {
  "use strict";

  // A submit button with data-confirm asks first; a confirmed vote tells the server so.
  document.addEventListener("submit", function (ev) {
    var button = ev.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (!message) { return; }
    if (!window.confirm(message)) { ev.preventDefault(); return; }
    var flag = document.createElement("input");
    flag.type = "hidden"; flag.name = "confirmed"; flag.value = "1";
    ev.target.appendChild(flag);
  });

  // Slider values shown next to each slider; a form being edited is not replaced live.
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el.type === "range") {
      var out = document.getElementById(el.id + "-out");
      if (out) { out.textContent = Number(el.value).toFixed(2); }
    }
    var live = el.closest && el.closest("[data-live]");
    if (live) { live.setAttribute("data-dirty", "true"); }
  });

  // The link of an invitation carries its code after '#': fill the field with it.
  var code = document.getElementById("invitation");
  var m = /^#invitation=([A-Za-z0-9_\-.~]+)$/.exec(window.location.hash);
  if (code && m) {
    code.value = m[1];
    history.replaceState(null, "", window.location.pathname);
  }

  var page = document.getElementById("room-page");
  if (!page || typeof window.EventSource !== "function") { return; }
  var status = document.getElementById("live-status");
  var url = page.getAttribute("data-events");
  var roomUrl = page.getAttribute("data-room-url");
  // After a form's answer (an invitation) the address is the form's: show the room's,
  // so that a reload reads the room instead of sending the form again.
  if (window.location.pathname !== roomUrl) { history.replaceState(null, "", roomUrl); }
  var latest = 0;

  function refresh() {
    var mine = ++latest;
    fetch(roomUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.text();
      })
      .then(function (html) {
        if (mine !== latest) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var swapped = 0;
        document.querySelectorAll("#room-page [data-live]").forEach(function (old) {
          var fresh = doc.getElementById(old.id);
          if (!fresh) { return; }
          if (old.contains(document.activeElement) || old.getAttribute("data-dirty")) { return; }
          old.replaceWith(document.importNode(fresh, true));
          swapped += 1;
        });
        page.setAttribute("data-live-updates", String(Number(page.getAttribute("data-live-updates") || "0") + 1));
        if (status && swapped) { status.textContent = "The room was updated."; }
      })
      .catch(function (err) {
        if (status) { status.textContent = "Could not update the room: " + err.message; }
      });
  }

  var source = new EventSource(url);
  source.addEventListener("open", function () { page.setAttribute("data-stream", "connected"); });
  source.addEventListener("change", refresh);
  source.addEventListener("end", function () {
    source.close();
    page.setAttribute("data-stream", "ended");
    if (status) { status.textContent = "You are no longer logged in to this room; reload the page."; }
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
