// tincay's offline outbox (issue 23): progressive enhancement only.
// - A case form or a new-case form that cannot be sent (no network) is sealed to the server
//   with WebCrypto (ECDH P-256 -> HKDF-SHA-256 -> AES-256-GCM; the format is documented in
//   src/store/crypto/outbox.rs and src/web/outbox/aad.rs), the sealed copy goes into
//   IndexedDB, the plaintext is dropped and the form cleared. This phone cannot read it back.
// - "N records waiting to be sent" (a count, never content) is shown next to the button she
//   tapped and at the top of her pages; records are sent on `online`, on each page load and
//   on Background Sync, one at a time, in the order sealed.
// - A record the server holds for its "needs attention" list (202) leaves the phone; only its
//   kind and time stay, marked, with a link to /outbox/held beside the button and at the
//   top of her pages, until she opens that list.
// - Only the signed-in user's records are shown or sent (the page says who she is); signed
//   out, on the sign-in page or after the quick exit nothing shows. A record whose session
//   expired waits for her next sign-in. "Delete what is waiting on this phone" asks first.
// - Leaving a form with unsent input asks first. Nothing typed is stored anywhere.
(function () {
  "use strict";
  var body = document.body;
  var user = body.getAttribute("data-user");
  var subtle = window.crypto && window.crypto.subtle;
  var enc = new TextEncoder();
  var UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  var ROUTES = [
    [new RegExp("^/cases/new$"), "new-case"],
    [new RegExp("^/cases/(" + UUID + ")/support$"), "support"],
    [new RegExp("^/cases/(" + UUID + ")/referrals$"), "referral"],
    [new RegExp("^/cases/(" + UUID + ")/referrals/(" + UUID + ")/outcome$"), "referral-outcome"],
    [new RegExp("^/cases/(" + UUID + ")/follow-ups$"), "follow-up"],
    [new RegExp("^/cases/(" + UUID + ")/follow-ups/(" + UUID + ")/complete$"), "complete-follow-up"],
    [new RegExp("^/cases/(" + UUID + ")/notes$"), "note"],
    [new RegExp("^/cases/(" + UUID + ")/risk$"), "risk"],
    [new RegExp("^/cases/(" + UUID + ")/close$"), "close"]
  ];

  function b64(bytes) {
    var s = "";
    new Uint8Array(bytes).forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s);
  }
  function unb64(text) {
    return Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
  }
  function concat(a, b) {
    var out = new Uint8Array(a.length + b.length);
    out.set(a, 0); out.set(b, a.length);
    return out;
  }

  // IndexedDB: "records" (sealed records, in the order sealed) and "outboxes" (one random
  // outbox id per user on this phone). Neither holds anything readable about a case.
  // Version 2 creates whichever store is missing: version 1 created them only with the
  // database, so a database that existed without them (made by anything else on the origin)
  // left every capture failing.
  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("tincay-outbox", 2);
      open.onupgradeneeded = function () {
        var names = open.result.objectStoreNames;
        if (!names.contains("records")) {
          open.result.createObjectStore("records", { keyPath: "n", autoIncrement: true });
        }
        if (!names.contains("outboxes")) { open.result.createObjectStore("outboxes", { keyPath: "user" }); }
      };
      open.onsuccess = function () {
        // Another tab's upgrade waits for no connection of this one.
        open.result.onversionchange = function () { open.result.close(); };
        resolve(open.result);
      };
      open.onerror = function () { reject(open.error); };
    });
  }
  function tx(store, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, mode);
        var result = work(t.objectStore(store));
        t.oncomplete = function () { d.close(); resolve(result && "result" in result ? result.result : result); };
        t.onerror = function () { d.close(); reject(t.error); };
        t.onabort = function () { d.close(); reject(t.error || new Error("outbox aborted")); };
      });
    });
  }
  function mine() {
    return tx("records", "readonly", function (s) { return s.getAll(); }).then(function (all) {
      return all.filter(function (r) { return r.user === user; });
    });
  }
  function outboxId() {
    return tx("outboxes", "readonly", function (s) { return s.get(user); }).then(function (found) {
      if (found) { return found.id; }
      var id = crypto.randomUUID();
      return tx("outboxes", "readwrite", function (s) { s.put({ user: user, id: id }); }).then(function () { return id; });
    });
  }

  var serverKey = null;
  function key() {
    if (serverKey) { return Promise.resolve(serverKey); }
    return fetch("/outbox/key", { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("no key"); }
      return r.json();
    }).then(function (k) { serverKey = k; return k; });
  }

  // The record's associated data, in its one canonical form (src/web/outbox/aad.rs).
  function aad(fields) {
    return "tincay-outbox-v1\n" + ["user", "outbox", "form", "case", "item", "version", "key", "sealed"]
      .map(function (name) { return name + "=" + fields[name] + "\n"; }).join("");
  }

  // Seals `plaintext` (bytes) with associated data `aadText` to the server key `k`, with a
  // fresh ephemeral key and nonce (`fixed` gives both, for the shared test vector only).
  function seal(k, aadText, plaintext, fixed) {
    var server = unb64(k.key);
    var curve = { name: "ECDH", namedCurve: "P-256" };
    return Promise.all([
      subtle.importKey("raw", server, curve, false, []),
      fixed ? fixed.pair : subtle.generateKey(curve, false, ["deriveBits"])
    ]).then(function (keys) {
      return Promise.all([
        subtle.exportKey("raw", keys[1].publicKey),
        subtle.deriveBits({ name: "ECDH", public: keys[0] }, keys[1].privateKey, 256)
      ]);
    }).then(function (parts) {
      var epk = new Uint8Array(parts[0]);
      return subtle.importKey("raw", parts[1], "HKDF", false, ["deriveKey"]).then(function (ikm) {
        return subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: concat(epk, server),
          info: enc.encode("tincay-outbox-v1 aes-256-gcm") }, ikm, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
      }).then(function (aes) {
        var nonce = fixed ? fixed.nonce : crypto.getRandomValues(new Uint8Array(12));
        return subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: enc.encode(aadText) }, aes, plaintext)
          .then(function (ct) {
            return { format: "tincay-outbox-v1", kid: k.kid, epk: b64(epk), nonce: b64(nonce), aad: aadText, ciphertext: b64(ct) };
          });
      });
    });
  }
  window.tincayOutboxSeal = seal; // for the shared test vectors (tests/browser)

  function route(form) {
    var path = new URL(form.action, location.href).pathname;
    for (var i = 0; i < ROUTES.length; i++) {
      var m = ROUTES[i][0].exec(path);
      if (m) { return { form: ROUTES[i][1], case: m[1] || "", item: m[2] || "" }; }
    }
    return null;
  }
  function sealable(form) { return !!(user && subtle && window.indexedDB && route(form)); }

  // Seals the form as it is now, stores the sealed copy, clears the form.
  function capture(form, button) {
    var r = route(form);
    var data = new FormData(form);
    data.delete("_csrf");
    var version = r.form === "new-case" ? "" : (data.get("version") || "");
    var idem = data.get("idempotency_key") || crypto.randomUUID();
    var plaintext = enc.encode(new URLSearchParams(data).toString());
    data = null;
    return Promise.all([key(), outboxId()]).then(function (got) {
      var text = aad({ user: user, outbox: got[1], form: r.form, case: r.case, item: r.item,
        version: version, key: idem, sealed: String(Date.now()) });
      return seal(got[0], text, plaintext);
    }).then(function (record) {
      plaintext.fill(0);
      return tx("records", "readwrite", function (s) {
        s.add({ user: user, kind: r.form, at: Date.now(), record: record });
      });
    }).then(function () {
      form.reset();
      var field = form.querySelector("[name=idempotency_key]");
      if (field) { field.value = crypto.randomUUID(); }
      shown.set(form, text(form));
      if ("serviceWorker" in navigator && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (sw) { return sw.sync && sw.sync.register("tincay-outbox"); }).catch(function () {});
      }
      return status(button, body.getAttribute("data-outbox-sealed"));
    });
  }

  // "N records waiting": beside the button she tapped, and at the top of the page.
  function status(button, note) {
    if (!user) { return Promise.resolve(); }
    return mine().then(function (records) {
      var waiting = records.filter(function (r) { return !r.refused && !r.held; });
      var held = records.filter(function (r) { return r.held; }).length;
      var refused = records.length - waiting.length - held;
      // The note beside a button stays until another button is tapped or nothing waits;
      // once what it said is held on the server, it says so and links to the list.
      document.querySelectorAll(".outbox-near").forEach(function (el) {
        if (button || !records.length) { el.remove(); } else if (!waiting.length && held) { el.textContent = ""; el.appendChild(heldLink(held)); }
      });
      var top = document.getElementById("outbox-top");
      if (!records.length) { if (top) { top.remove(); } return; }
      var box = top || document.createElement("div");
      box.id = "outbox-top";
      box.className = "outbox-status";
      box.setAttribute("role", "status");
      box.textContent = "";
      var p = document.createElement("p");
      p.textContent = body.getAttribute("data-outbox-waiting").replace("{n}", waiting.length);
      if (waiting.length) { box.appendChild(p); }
      var list = document.createElement("ul");
      records.forEach(function (r) {
        var li = document.createElement("li");
        li.textContent = r.kind + " " + new Date(r.at).toLocaleString() + (r.refused ? " (" + r.refused + ")" : "")
          + (r.held ? " (" + body.getAttribute("data-outbox-held-item") + ")" : "");
        list.appendChild(li);
      });
      box.appendChild(list);
      if (refused) {
        var a = document.createElement("p");
        a.textContent = body.getAttribute("data-outbox-attention").replace("{n}", refused);
        box.appendChild(a);
      }
      if (held) {
        var h = document.createElement("p");
        h.appendChild(heldLink(held));
        box.appendChild(h);
      }
      var del = document.createElement("button");
      del.type = "button";
      del.className = "outbox-delete";
      del.textContent = body.getAttribute("data-outbox-delete");
      if (waiting.length || refused) { box.appendChild(del); }
      if (!top) {
        var main = document.getElementById("main");
        if (main) { main.insertBefore(box, main.firstChild); }
      }
      if (button) {
        var near = document.createElement("p");
        near.className = "outbox-status outbox-near";
        near.setAttribute("role", "status");
        near.textContent = (note ? note + " " : "") + p.textContent;
        button.insertAdjacentElement("afterend", near);
      }
    });
  }

  // "N records sent while offline need attention", a link to the list that holds them.
  function heldLink(n) {
    var a = document.createElement("a");
    a.href = "/outbox/held";
    a.className = "outbox-held";
    a.textContent = body.getAttribute("data-outbox-held").replace("{n}", n);
    return a;
  }

  document.addEventListener("click", function (event) {
    var del = event.target && event.target.closest ? event.target.closest(".outbox-delete") : null;
    if (!del || !window.confirm(body.getAttribute("data-outbox-confirm"))) { return; }
    mine().then(function (records) {
      return tx("records", "readwrite", function (s) { records.forEach(function (r) { s.delete(r.n); }); });
    }).then(function () { return status(null); });
  });

  // Sends her records in the order sealed. A 401 (session expired) or no network stops and
  // keeps them for later; a refusal keeps the record, marked, for her to look at.
  var sending = false;
  function send() {
    if (!user || sending || !window.indexedDB) { return Promise.resolve(); }
    var csrf = document.querySelector("input[name=_csrf]");
    if (!csrf) { return Promise.resolve(); }
    sending = true;
    return mine().then(function (records) {
      var next = function (i) {
        var r = records[i];
        if (!r) { return null; }
        if (r.refused || r.held) { return next(i + 1); }
        return fetch("/outbox", { method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.value },
          body: JSON.stringify(r.record) }).then(function (response) {
          if (response.status === 401) { return null; }
          if (response.status === 202) {
            // Held on the server: the sealed copy goes; its kind and time stay, marked.
            return tx("records", "readwrite", function (s) { s.put({ n: r.n, user: r.user, kind: r.kind, at: r.at, held: true }); })
              .then(function () { return next(i + 1); });
          }
          if (response.ok) {
            return tx("records", "readwrite", function (s) { s.delete(r.n); }).then(function () { return next(i + 1); });
          }
          if (response.status >= 500 || response.status === 429) { return null; }
          r.refused = String(response.status);
          return tx("records", "readwrite", function (s) { s.put(r); }).then(function () { return next(i + 1); });
        });
      };
      return next(0);
    }).catch(function () { /* offline: kept for later */ }).then(function () {
      sending = false;
      return status(null);
    });
  }
  // The key is fetched while the page is online, so a form sent offline can be sealed
  // (the service worker keeps a copy for pages loaded from its cache).
  if (user && subtle) {
    key().then(function () { body.setAttribute("data-outbox-ready", ""); }).catch(function () {});
  }
  // Opening the "needs attention" list (the server's, which is the authority) clears the marks.
  if (user && window.indexedDB && location.pathname === "/outbox/held") {
    mine().then(function (records) {
      return tx("records", "readwrite", function (s) { records.forEach(function (r) { if (r.held) { s.delete(r.n); } }); });
    }).then(function () { return status(null); }).catch(function () {});
  }
  window.addEventListener("online", send);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data === "tincay-outbox-send") { send(); }
    });
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
  send();

  // A form that cannot be sent is sealed instead of retried (app.js asks first).
  window.tincayOutbox = function (form, button) {
    if (!sealable(form)) { return null; }
    return capture(form, button);
  };

  // Leaving a form with unsent input asks first.
  function text(form) { var d = new FormData(form); d.delete("_csrf"); return new URLSearchParams(d).toString(); }
  var shown = new WeakMap();
  var submitting = false;
  document.querySelectorAll("form").forEach(function (form) { shown.set(form, text(form)); });
  document.addEventListener("submit", function () { submitting = true; setTimeout(function () { submitting = false; }, 0); }, true);
  window.addEventListener("beforeunload", function (event) {
    if (submitting || document.documentElement.style.display === "none") { return; }
    var dirty = Array.prototype.some.call(document.querySelectorAll("form"), function (form) {
      return form.id !== "sign-out" && shown.has(form) && shown.get(form) !== text(form);
    });
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
