/* The console: small improvements over pages that work without JavaScript.
   - a background job's region ([data-poll], an import or a round's generation)
     follows the job: the page is fetched again every few seconds and the region
     replaced, until the job ends (without JavaScript, a "Perbarui" link does it);
   - the value of a new API token is selected when it is shown, ready to copy. */
(function () {
  "use strict";
  function poll(region) {
    var wait = parseInt(region.getAttribute("data-poll"), 10) || 2000;
    window.setTimeout(function () {
      fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
          if (!fresh) { return; }
          region.replaceWith(fresh);
          if (fresh.hasAttribute("data-poll")) { poll(fresh); }
          else {
            var status = fresh.querySelector("[role=status], [role=alert]");
            if (status) { status.setAttribute("tabindex", "-1"); status.focus(); }
          }
        }, function () { poll(region); });
    }, wait);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var region = document.querySelector("[data-poll]");
    if (region) { poll(region); }
    var token = document.getElementById("token-value");
    if (token) { token.focus(); token.select(); }
  });
})();
