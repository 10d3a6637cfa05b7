/* Bansos Tanjung Barat: small improvements over pages that work without JavaScript.
   - registers the service worker (pages last seen stay readable offline);
   - a "copy" button for the tracking code;
   - a complaint written without a connection is kept on the phone and sent to
     /api/v1/complaints (with an Idempotency-Key, so it is filed once) when the
     connection returns; its tracking code is then shown on every page. */
(function () {
  "use strict";
  var OUTBOX = "bansos.complaints.outbox", SENT = "bansos.complaints.sent";
  document.documentElement.className += " js";

  function read(key) { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } }
  function write(key, value) { localStorage.setItem(key, JSON.stringify(value)); }

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () { navigator.serviceWorker.register("/sw.js", {scope: "/"}); });
  }

  function focusFirst() {
    var target = document.querySelector(".error-summary, #answer");
    if (target) { target.setAttribute("tabindex", "-1"); target.focus(); }
  }

  function copyButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var code = button.getAttribute("data-copy"), done = function () {
          button.textContent = button.getAttribute("data-copied") || button.textContent;
        };
        if (navigator.clipboard) { navigator.clipboard.writeText(code).then(done, done); }
        else { var range = document.createRange(); range.selectNodeContents(document.getElementById("tracking-code"));
          var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range); document.execCommand("copy"); done(); }
      });
    });
  }

  function bodyOf(form) {
    var get = function (name) { var el = form.elements[name]; return el ? (el.value || "").trim() : ""; };
    var checked = form.querySelector("input[name=category]:checked");
    var named = form.querySelector("input[name=identity]:checked");
    var body = {category: checked ? checked.value : "", description: get("description")};
    if (get("programme_code")) { body.programme_code = get("programme_code"); }
    if (named && named.value === "named") {
      body.reporter = {name: get("name")};
      if (get("nik")) { body.reporter.nik = get("nik").replace(/\s/g, ""); }
      if (get("phone")) { body.reporter.phone = get("phone").replace(/\s/g, ""); }
    } else { body.anonymous = true; }
    return body;
  }

  function notice(html) {
    var box = document.getElementById("notices");
    if (!box) { return; }
    var div = document.createElement("div");
    div.className = "success";
    div.innerHTML = html;
    box.appendChild(div);
  }

  function escapeHtml(text) { var d = document.createElement("div"); d.textContent = text; return d.innerHTML; }

  function showSent() {
    var sent = read(SENT), box = document.getElementById("notices");
    if (!sent.length || !box) { return; }
    sent.forEach(function (code) {
      notice("<p>" + escapeHtml(box.getAttribute("data-sent")) + ' <a class="code" href="/pengaduan/' +
             encodeURIComponent(code) + '?baru=1">' + escapeHtml(code) + "</a></p>");
    });
    write(SENT, []);
  }

  function flush() {
    var queue = read(OUTBOX);
    if (!queue.length || !navigator.onLine) { return; }
    var item = queue[0];
    fetch("/api/v1/complaints", {method: "POST", body: JSON.stringify(item.body),
      headers: {"Content-Type": "application/json", "Idempotency-Key": item.key}})
      .then(function (answer) {
        if (answer.status === 201 || answer.status === 200 || answer.status === 400) {
          write(OUTBOX, read(OUTBOX).filter(function (q) { return q.key !== item.key; }));
          if (answer.status !== 400) {
            return answer.json().then(function (data) {
              var sent = read(SENT); sent.push(data.tracking_code); write(SENT, sent); showSent(); flush();
            });
          }
        }
      })
      .catch(function () { /* still offline: try again on the next "online" */ });
  }

  function queue(form) {
    var waiting = read(OUTBOX), body = bodyOf(form);
    if (!body.category || !body.description || (body.reporter && !body.reporter.name)) {
      notice('<p role="alert">' + escapeHtml(form.getAttribute("data-incomplete")) + "</p>");
      window.scrollTo(0, 0);
      return;
    }
    waiting.push({key: form.elements.idempotency_key.value, body: body, at: new Date().toISOString()});
    write(OUTBOX, waiting);
    form.reset();
    notice('<p role="status">' + escapeHtml(form.getAttribute("data-queued")) + "</p>");
    window.scrollTo(0, 0);
  }

  /* Sent with fetch, so that a connection that fails (offline, or a signal that
     only seems to be there) keeps the complaint instead of losing the page. */
  function offlineComplaints() {
    var form = document.getElementById("complaint-form");
    if (!form || !window.fetch) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!navigator.onLine) { queue(form); return; }
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"})
        .then(function (answer) {
          if (answer.redirected) { window.location.assign(answer.url); }
          else { form.submit(); }  /* the server's own page names what to correct */
        }, function () { queue(form); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirst(); copyButtons(); offlineComplaints(); showSent(); flush();
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 30000);
})();
