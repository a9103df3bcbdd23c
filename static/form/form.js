/* The booking form inside the iframe: departures of a chosen date without a reload,
 * the running total, one submit only, and the page height for the partner's page. */
(function () {
  "use strict";

  function tellPartnerPage(message) {
    var origin = document.body.dataset.embedOrigin; // set by the server only for an allowed origin
    if (origin && window.parent !== window) {
      window.parent.postMessage(message, origin);
    }
  }

  function sendHeight() {
    // body, not documentElement: the latter is never smaller than the iframe, so it could not shrink.
    tellPartnerPage({ type: "tour-booking-form:height", height: document.body.scrollHeight });
  }

  function renderDepartures(container, departures) {
    container.textContent = "";
    if (!departures.length) {
      var empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = container.dataset.emptyText || "";
      container.appendChild(empty);
      return;
    }
    departures.forEach(function (departure) {
      var label = document.createElement("label");
      label.className = "choice" + (departure.bookable ? "" : " disabled");
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "start";
      input.value = departure.start;
      input.required = true;
      input.disabled = !departure.bookable;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + departure.label));
      container.appendChild(label);
    });
  }

  function loadDepartures(dateInput) {
    var search = document.getElementById("search");
    var container = document.getElementById("departures");
    if (!container || !dateInput.value) {
      return;
    }
    var params = new URLSearchParams(new FormData(search));
    var url = dateInput.dataset.availabilityUrl + "?" + params.toString();
    container.setAttribute("aria-busy", "true");
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        delete container.dataset.next;
        renderDepartures(container, body.departures);
        container.removeAttribute("aria-busy");
        sendHeight();
      })
      .catch(function () {
        search.submit(); // fall back to a full page load
      });
  }

  function updateTotal() {
    var output = document.getElementById("total");
    if (!output) {
      return;
    }
    var minor = 0;
    document.querySelectorAll("input[data-price]").forEach(function (input) {
      var count = parseInt(input.value, 10);
      if (count > 0) {
        minor += count * parseInt(input.dataset.price, 10);
      }
    });
    var precision = parseInt(output.dataset.precision || "2", 10);
    try {
      output.textContent = new Intl.NumberFormat(output.dataset.locale, {
        style: "currency",
        currency: output.dataset.currency
      }).format(minor / Math.pow(10, precision));
    } catch (e) {
      output.textContent = (minor / Math.pow(10, precision)).toFixed(precision) + " " + output.dataset.currency;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var dateInput = document.getElementById("f-date");
    if (dateInput) {
      dateInput.addEventListener("change", function () {
        loadDepartures(dateInput);
      });
      var button = document.getElementById("show-departures");
      if (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          loadDepartures(dateInput);
        });
      }
    }
    document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
    document.querySelectorAll("input[data-price]").forEach(function (input) {
      input.addEventListener("input", updateTotal);
    });
    updateTotal();

    var booking = document.getElementById("booking");
    if (booking) {
      booking.addEventListener("submit", function (event) {
        var submit = document.getElementById("submit-booking");
        if (booking.dataset.sent) {
          event.preventDefault(); // a double click sends once (the server also dedupes)
          return;
        }
        booking.dataset.sent = "1";
        if (submit) {
          submit.setAttribute("aria-disabled", "true");
          submit.textContent = submit.dataset.busyText || submit.textContent;
        }
      });
    }
    var error = document.getElementById("form-error");
    if (error) {
      error.setAttribute("tabindex", "-1");
      error.focus();
    }
    if (error || document.querySelector(".done")) {
      tellPartnerPage({ type: "tour-booking-form:navigated" }); // bring the answer into view
    }
    sendHeight();
    if (window.ResizeObserver) {
      new ResizeObserver(sendHeight).observe(document.body);
    } else {
      window.addEventListener("resize", sendHeight);
    }
  });
})();
