// tincay: progressive enhancement only. Every page works without this script.
// - Quick exit: the button (or Esc three times, or three quick taps on the page with a
//   finger) hides the page at once, ends the session, and replaces this page in the
//   history with a neutral site.
// - A page brought back from the browser's memory by Back (the back/forward cache) is
//   loaded again instead, so a form sent earlier is never shown again with what was typed.
// - Inactivity: after the page's idle time without use, sign out and leave the page.
// - Resilient forms (data-resilient): sent in the background; if the network drops, a case
//   form is sealed into the offline outbox (outbox.js); any other form keeps what was typed
//   on the page and the same request (same Idempotency-Key field) is sent again until it
//   gets through, so a retry never records anything twice.
// - After a save, the page comes back at the form she used, with its "saved" line (#saved):
//   a redirect followed by fetch loses the URL's #fragment, so it is scrolled to here.
// - A link marked data-confirm (a form's Cancel) asks before leaving a form she typed in.
// Nothing readable is stored in the browser's storage (the outbox keeps sealed records only).
(function () {
  "use strict";
  var body = document.body;
  var exitUrl = body.getAttribute("data-exit-url") || "https://www.google.com/";

  function quickExit(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.style.display = "none";
    try { fetch("/exit", { method: "GET", credentials: "same-origin", keepalive: true }); } catch (e) { /* leaving anyway */ }
    window.location.replace(exitUrl);
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("#quick-exit")) { quickExit(event); }
  });
  var escapes = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    escapes = escapes.filter(function (t) { return now - t < 1500; });
    escapes.push(now);
    if (escapes.length >= 3) { quickExit(event); }
  });
  // Phones have no Esc key: three taps within a second, anywhere but in a field being typed
  // into (where taps select words), are a quick exit too.
  var taps = [];
  document.addEventListener("pointerdown", function (event) {
    if (event.pointerType !== "touch") { return; }
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select")) { taps = []; return; }
    var now = Date.now();
    taps = taps.filter(function (t) { return now - t < 1000; });
    taps.push(now);
    if (taps.length >= 3) { quickExit(event); }
  }, { passive: false });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.documentElement.style.display = "none";
      window.location.reload();
    }
  });

  function showSaved() {
    var saved = document.getElementById("saved");
    if (saved) {
      saved.scrollIntoView({ block: "center" });
      saved.focus({ preventScroll: true });
    }
  }
  showSaved();

  // Cancel asks first when the form holds something typed or chosen since it was shown.
  function formText(form) { return new URLSearchParams(new FormData(form)).toString(); }
  var asShown = new WeakMap();
  function remember() {
    document.querySelectorAll("form").forEach(function (form) { asShown.set(form, formText(form)); });
  }
  remember();
  function touched(form) { return asShown.has(form) && asShown.get(form) !== formText(form); }
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (!link) { return; }
    var form = link.closest("form");
    if (form && touched(form) && !window.confirm(link.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Inactivity.
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  if (idle > 0) {
    var lastActive = Date.now();
    var lastPing = Date.now();
    var touch = function () {
      lastActive = Date.now();
      if (lastActive - lastPing > 60000) {
        lastPing = lastActive;
        fetch("/session/ping", { credentials: "same-origin" }).catch(function () {});
      }
    };
    ["keydown", "pointerdown", "input", "scroll"].forEach(function (name) {
      document.addEventListener(name, touch, { passive: true });
    });
    setInterval(function () {
      if (Date.now() - lastActive > idle * 1000) {
        var signOut = document.getElementById("sign-out");
        var data = signOut ? new URLSearchParams(new FormData(signOut)) : null;
        document.documentElement.style.display = "none";
        var leave = function () { window.location.replace("/login?timeout=1"); };
        if (data) {
          fetch("/logout", { method: "POST", body: data, credentials: "same-origin" }).then(leave, leave);
        } else { leave(); }
      }
    }, 5000);
  }

  // Resilient forms.
  function banner(form, text) {
    var note = form.querySelector(".offline");
    if (!note) {
      note = document.createElement("p");
      note.className = "offline";
      note.setAttribute("role", "status");
      form.insertBefore(note, form.firstChild);
    }
    note.textContent = text;
  }
  function showPage(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    document.title = parsed.title;
    document.body.replaceWith(document.adoptNode(parsed.body));
    body = document.body;
    window.scrollTo(0, 0);
    remember();
    showSaved();
  }
  function send(form, data, attempt) {
    var button = form.querySelector("[type=submit]");
    fetch(form.getAttribute("action") || window.location.pathname, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      if (response.redirected) { window.location.assign(response.url); return null; }
      return response.text().then(showPage);
    }).catch(function () {
      if (button) { button.disabled = false; }
      if (button && button.hasAttribute("data-label")) { button.textContent = button.getAttribute("data-label"); }
      // A case form is sealed into the outbox (outbox.js) rather than kept on the page.
      var sealed = attempt === 0 && window.tincayOutbox ? window.tincayOutbox(form, button) : null;
      if (sealed) { sealed.catch(function () { retryLater(form, data, attempt, button); }); return; }
      retryLater(form, data, attempt, button);
    });
  }
  function retryLater(form, data, attempt, button) {
    banner(form, body.getAttribute("data-offline-text") || "Offline; retrying");
    var delay = Math.min(30000, 2000 * Math.pow(2, attempt));
    var retry = function () {
      window.removeEventListener("online", retry);
      clearTimeout(timer);
      if (button) { button.disabled = true; }
      send(form, data, attempt + 1);
    };
    var timer = setTimeout(retry, delay);
    window.addEventListener("online", retry);
    form.setAttribute("data-pending", "1");
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-resilient")) { return; }
    if (form.getAttribute("data-pending") === "1") { event.preventDefault(); return; }
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) {
      button.disabled = true;
      button.setAttribute("data-label", button.textContent);
      button.textContent = body.getAttribute("data-sending-text") || "Sending…";
    }
    send(form, new URLSearchParams(new FormData(form)).toString(), 0);
  });
})();
