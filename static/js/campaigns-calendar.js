// The marketing calendar and the public embed: FullCalendar fed by MRM's JSON.
// No inline script anywhere (strict CSP): configuration comes from data-* attributes.
(function () {
  "use strict";

  function filterParams(form) {
    var params = new URLSearchParams();
    if (!form) { return params; }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) { return; }
      if (field.type === "checkbox") {
        if (field.checked) { params.append(field.name, field.value); }
      } else if (field.multiple) {
        Array.prototype.forEach.call(field.selectedOptions, function (option) { params.append(field.name, option.value); });
      } else if (field.value) {
        params.append(field.name, field.value);
      }
    });
    return params;
  }

  // The text colour with the better contrast on an event's background (WCAG AA).
  function readableText(hex) {
    var match = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    if (!match) { return "#ffffff"; }
    var value = parseInt(match[1], 16);
    var channels = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map(function (c) {
      c = c / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) ? "#ffffff" : "#111827";
  }

  // FullCalendar's icons are decorative: their buttons carry the name.
  function patchToolbar(element) {
    Array.prototype.forEach.call(element.querySelectorAll(".fc-icon"), function (icon) {
      icon.setAttribute("aria-hidden", "true");
      icon.removeAttribute("role");
    });
    Array.prototype.forEach.call(element.querySelectorAll(".fc-button"), function (button) {
      if (!button.textContent.trim() && !button.getAttribute("aria-label") && button.getAttribute("title")) {
        button.setAttribute("aria-label", button.getAttribute("title"));
      }
    });
  }

  // The legend of the colours in use: by channel or by team, as the filter says.
  function showLegend(form) {
    var colourBy = form.elements.color_by ? form.elements.color_by.value : "channel";
    Array.prototype.forEach.call(document.querySelectorAll("[data-legend]"), function (legend) {
      legend.classList.toggle("d-none", legend.dataset.legend !== colourBy);
    });
  }

  // The list view lists each event once, on its first day, with its date range: FullCalendar repeats an
  // event on every day it spans (a four-week campaign 28 times). Days left with no event lose their heading.
  function tidyList(element) {
    Array.prototype.forEach.call(element.querySelectorAll(".fc-list-day"), function (day) {
      var row = day.nextElementSibling;
      var shown = false;
      while (row && !row.classList.contains("fc-list-day")) {
        if (!row.hidden) { shown = true; }
        row = row.nextElementSibling;
      }
      day.hidden = !shown;
    });
  }

  function dateRange(event, lang) {
    if (!event.end) { return ""; }
    var last = new Date(event.end.getTime());
    if (event.allDay) { last.setDate(last.getDate() - 1); }
    if (last.toDateString() === event.start.toDateString()) { return ""; }
    var format = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short" });
    return format.format(event.start) + " – " + format.format(last);
  }

  // The views as the address names them (?view=), FullCalendar's names for them. The server reads the address
  // (campaigns.selectors.CalendarPlace) and hands a valid place to the page as data-initial-date/-view.
  var VIEWS = { month: "dayGridMonth", week: "timeGridWeek", list: "listMonth" };

  function viewName(type) {
    return Object.keys(VIEWS).filter(function (name) { return VIEWS[name] === type; })[0];
  }

  function isoDay(date) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function pathWith(url, params) {
    var query = params.toString();
    return url.pathname + (query ? "?" + query : "");
  }

  // The place shown (the first day of the month or week, and the view) goes into the address with
  // history.replaceState, next to the filters the filter bar keeps there (static/js/filters.js): a reload,
  // back and forward, a bookmark or a shared link open the same month in the same view. The filter bar's
  // "Clear all" keeps the place too. On the first drawing the address is left as it came, but for a date or a
  // view the server refused (they are dropped, not kept to mislead).
  function keepPlace(element, form, view, first) {
    var url = new URL(window.location.href);
    if (first) {
      if (url.searchParams.has("date") && !element.dataset.initialDate) { url.searchParams.delete("date"); }
      if (url.searchParams.has("view") && url.searchParams.get("view") !== element.dataset.initialView) {
        url.searchParams.delete("view");
      }
    } else {
      url.searchParams.set("date", isoDay(view.currentStart));
      url.searchParams.set("view", viewName(view.type) || "month");
    }
    window.history.replaceState(window.history.state, "", pathWith(url, url.searchParams) + url.hash);
    var clear = form && form.querySelector("[data-filter-clear]");
    if (clear) {
      var place = new URLSearchParams();
      ["date", "view"].forEach(function (name) {
        if (url.searchParams.has(name)) { place.set(name, url.searchParams.get(name)); }
      });
      clear.setAttribute("href", pathWith(url, place));
    }
  }

  // "Save a filter as a calendar feed" starts the new feed from the calendar's filters of the moment.
  function keepFeedFilters(form) {
    var link = document.querySelector("[data-feeds-link]");
    if (!link || !form) { return; }
    var url = new URL(link.getAttribute("href"), window.location.href);
    var params = filterParams(form);
    params.delete("color_by");
    link.setAttribute("href", pathWith(url, params));
  }

  function start(element) {
    var form = document.getElementById(element.dataset.filtersForm || "calendar-filters");
    var errorBox = document.getElementById("calendar-error");
    var isEmbed = element.dataset.embed === "true";
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    var keepsPlace = element.dataset.keepPlace === "true";
    var drawn = false;
    var calendar = new FullCalendar.Calendar(element, {
      locale: lang,
      initialView: VIEWS[element.dataset.initialView] || (isEmbed ? "listMonth" : "dayGridMonth"),
      // Where the address says; the public calendar, by default, where the next public event is (the server decides).
      initialDate: element.dataset.initialDate || undefined,
      firstDay: 1,
      height: "auto",
      headerToolbar: { left: "prev,next today", center: "title", right: isEmbed ? "listMonth,dayGridMonth" : "dayGridMonth,timeGridWeek,listMonth" },
      buttonText: lang === "en" ? {
        today: element.dataset.todayText, month: element.dataset.monthText,
        week: element.dataset.weekText, list: element.dataset.listText
      } : undefined,
      eventDisplay: "block",
      // A busy month stays readable: at most three events a day in the month view, then "+N more";
      // activities come before campaign spans, so a day's tactics are not hidden behind campaigns.
      dayMaxEvents: 3,
      eventOrder: function (a, b) {
        var kind = function (event) { return event.extendedProps.kind === "campaign" ? 1 : 0; };
        return kind(a) - kind(b) || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) || (a.title < b.title ? -1 : 1);
      },
      eventsSet: function () { window.setTimeout(function () { tidyList(element); }, 0); },
      moreLinkDidMount: function (info) { info.el.setAttribute("role", "button"); },
      events: function (info, success, failure) {
        var params = filterParams(isEmbed ? null : form);
        params.set("start", info.startStr.slice(0, 10));
        params.set("end", info.endStr.slice(0, 10));
        fetch(element.dataset.eventsUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            if (response.status === 400) {
              // Too many events for one view: the server says how many and asks to narrow the filter.
              return response.json().then(function (body) {
                var error = new Error(response.status);
                if (body && body.code === "too_many_events") { error.message = body.detail; error.narrow = true; }
                throw error;
              });
            }
            if (!response.ok) { throw new Error(response.status); }
            return response.json();
          })
          .then(function (events) {
            if (errorBox) { errorBox.classList.add("d-none"); }
            success(events.map(function (event) {
              return {
                id: event.id, title: event.title, start: event.start, end: event.end, allDay: event.all_day,
                url: event.url || undefined, backgroundColor: event.color, borderColor: event.color,
                textColor: readableText(event.color),
                extendedProps: event
              };
            }));
          })
          .catch(function (error) {
            if (errorBox) {
              errorBox.textContent = error.narrow ? error.message : element.dataset.errorText;
              errorBox.classList.toggle("alert-warning", !!error.narrow);
              errorBox.classList.toggle("alert-danger", !error.narrow);
              errorBox.classList.remove("d-none");
            }
            failure(error);
          });
      },
      datesSet: function (info) {
        patchToolbar(element);
        tidyList(element);
        if (keepsPlace) { keepPlace(element, form, info.view, !drawn); }
        drawn = true;
      },
      dayCellDidMount: function (info) {
        // The cell's visible text is more than the date it was labelled with.
        info.el.removeAttribute("aria-labelledby");
      },
      eventClick: function (info) {
        if (isEmbed && info.event.url) {
          info.jsEvent.preventDefault();
          window.open(info.event.url, "_blank", "noopener");
        }
      },
      eventDidMount: function (info) {
        var props = info.event.extendedProps;
        if (info.view.type.indexOf("list") === 0) {
          if (!info.isStart) {
            info.el.hidden = true;
          } else {
            var range = dateRange(info.event, lang);
            var title = info.el.querySelector(".fc-list-event-title");
            if (range && title) {
              var note = document.createElement("span");
              note.className = "text-secondary ms-2 small";
              note.textContent = range;
              title.appendChild(note);
            }
          }
        }
        var parts = [info.event.title];
        if (props.type_label) { parts.push(props.type_label); }
        if (props.status_label) { parts.push(props.status_label); }
        if (props.team_name) { parts.push(props.team_name); }
        if (props.location) { parts.push(props.location); }
        info.el.setAttribute("title", parts.join(" · "));
        info.el.setAttribute("data-event-id", info.event.id);
      }
    });
    calendar.render();
    patchToolbar(element);
    element.mrmCalendar = calendar;
    if (form && !isEmbed) {
      showLegend(form);
      keepFeedFilters(form);
      form.addEventListener("change", function () { showLegend(form); keepFeedFilters(form); calendar.refetchEvents(); });
      form.addEventListener("submit", function (event) { event.preventDefault(); calendar.refetchEvents(); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("calendar");
    if (element && window.FullCalendar) { start(element); }
  });
})();
