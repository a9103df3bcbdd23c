/* Booking form widget: put this where the form should appear on your page.
 *   <script src="https://<our host>/static/form/widget.js" data-partner="<form token>"
 *           data-product="river-cruise-50" data-lang="en" async></script>
 * It inserts an iframe with the form served from our host; no cookies, no build step.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.partner) {
    return;
  }
  var base = new URL(script.src, document.baseURI);
  var url = new URL("/form/" + encodeURIComponent(script.dataset.partner) + "/", base.origin);
  ["product", "option", "lang", "date"].forEach(function (name) {
    if (script.dataset[name]) {
      url.searchParams.set(name, script.dataset[name]);
    }
  });
  // The form sends its height back to this page (and only to it) so the iframe never scrolls.
  url.searchParams.set("embed_origin", window.location.origin);

  var iframe = document.createElement("iframe");
  iframe.src = url.toString();
  iframe.title = script.dataset.title || "Booking form";
  iframe.className = "tour-booking-form";
  iframe.setAttribute("loading", "eager");
  iframe.style.width = "100%";
  iframe.style.maxWidth = script.dataset.maxWidth || "640px";
  iframe.style.minHeight = "480px";
  iframe.style.height = "900px";
  iframe.style.border = "0";

  var target = script.dataset.target && document.querySelector(script.dataset.target);
  if (target) {
    target.appendChild(iframe);
  } else {
    script.parentNode.insertBefore(iframe, script.nextSibling);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== base.origin || event.source !== iframe.contentWindow) {
      return;
    }
    var data = event.data || {};
    if (data.type === "tour-booking-form:height" && typeof data.height === "number" && data.height > 0) {
      iframe.style.height = Math.ceil(data.height) + "px";
    }
    if (data.type === "tour-booking-form:navigated") {
      iframe.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  });
})();
