/* Simpul live room: draws a playlist's screens and keeps them current without reloading.

   The screen reads its data when it is shown (and after a reconnect); then one EventSource brings
   the screen's new data with each change (computed once on the server for every screen showing
   it), so nothing is read again: only if that data does not come shortly after a change the
   screen concerns, and while the server says newer data is still being computed (``pending``).
   A screen left running for days keeps nothing that grows: each drawing replaces the last, each
   timer is cleared before it is set again, and there is never more than one EventSource and one
   data request at a time. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("live-config").textContent);
  var strings = config.strings;
  var locale = config.language === "id" ? "id-ID" : "en-GB";
  var SVG = "http://www.w3.org/2000/svg";
  var FALLBACK_MS = 5000; /* a change's data has not come: read it */
  var PENDING_MS = 500; /* the server is computing newer data: ask again this soon */
  var RECONNECT_MS = 10000;
  var RETRY_MS = 15000;

  var elements = {
    title: document.getElementById("screen-title"),
    area: document.getElementById("screen-area"),
    grid: document.getElementById("screen"),
    clock: document.getElementById("clock"),
    connection: document.getElementById("connection"),
    position: document.getElementById("screen-position"),
    blocked: document.getElementById("blocked")
  };
  var state = { playlist: config.playlist, index: 0, follows: [], areaCode: null, blocked: false };
  var timers = { rotate: null, refresh: null, soon: null, reconnect: null, clock: null };
  var events = null;
  var request = null;
  var laidOut = []; /* drawings that need their tile's size, run once the tiles are placed */

  var numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  var clockFormat = new Intl.DateTimeFormat(locale, {
    timeZone: config.timezone, weekday: "long", hour: "2-digit", minute: "2-digit"
  });
  var timeFormat = new Intl.DateTimeFormat(locale, {
    timeZone: config.timezone, hour: "2-digit", minute: "2-digit"
  });
  var dayFormat = new Intl.DateTimeFormat(locale, {
    timeZone: config.timezone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
  });

  function restart(name, callback, milliseconds) {
    clearTimeout(timers[name]);
    timers[name] = setTimeout(callback, milliseconds);
  }

  function address(template, name) {
    return template.replace("__name__", encodeURIComponent(name));
  }

  // An image cannot send the X-Screen-Token header: a kiosk's image addresses carry the token.
  function withToken(url) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "token=" + encodeURIComponent(config.token);
  }

  function readJSON(url, signal) {
    var headers = config.token ? { "X-Screen-Token": config.token } : {};
    return fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store", signal: signal })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status === 403) {
            block(body.error || "");
            throw new Error("refused");
          }
          if (!response.ok) { throw new Error(body.error || response.statusText); }
          return body;
        });
      });
  }

  function currentScreen() {
    var screens = state.playlist.screens;
    return screens.length ? screens[state.index % screens.length] : null;
  }

  function show(index) {
    state.index = index;
    load();
    var count = state.playlist.screens.length;
    if (state.playlist.interval_seconds > 0 && count > 1) {
      restart("rotate", function () { show((state.index + 1) % count); }, state.playlist.interval_seconds * 1000);
    } else {
      clearTimeout(timers.rotate);
    }
  }

  function load() {
    if (state.blocked) { return; }
    var screen = currentScreen();
    if (!screen) {
      elements.grid.replaceChildren(text("p", "tile-empty", strings.no_screens));
      return;
    }
    if (request) { request.abort(); }
    var controller = request = new AbortController();
    readJSON(address(config.urls.data, screen.name), controller.signal)
      .then(function (data) {
        draw(data);
        online();
        restart("refresh", load, data.pending ? PENDING_MS : data.refresh_seconds * 1000);
      })
      .catch(function (error) {
        if (controller.signal.aborted || state.blocked) { return; }
        offline();
        restart("refresh", load, RETRY_MS);
      })
      .finally(function () {
        if (request === controller) { request = null; }
      });
  }

  function screenNames() {
    return state.playlist.screens.map(function (screen) { return screen.name; });
  }

  function received(data) {
    var screen = currentScreen();
    if (!data || !data.screen || !screen || data.screen.name !== screen.name || state.blocked) { return; }
    if (request) { request.abort(); }
    clearTimeout(timers.soon);
    draw(data);
    online();
    restart("refresh", load, data.pending ? PENDING_MS : data.refresh_seconds * 1000);
  }

  function reloadPlaylist() {
    if (!state.playlist.name || state.blocked) { load(); return; }
    readJSON(address(config.urls.playlist, state.playlist.name))
      .then(function (playlist) {
        var shown = currentScreen();
        var before = screenNames().join(",");
        state.playlist = playlist;
        var names = screenNames();
        var index = shown ? names.indexOf(shown.name) : -1;
        show(index < 0 ? 0 : index);
        if (events && names.join(",") !== before) { disconnect(); connect(); }
      })
      .catch(function () { load(); });
  }

  function concerns(event) {
    var kinds = event.kinds || [];
    if (!kinds.some(function (kind) { return state.follows.indexOf(kind) >= 0; })) { return false; }
    if (!state.areaCode || !event.areas) { return true; }
    return event.areas.some(function (area) {
      return area === state.areaCode || area.indexOf(state.areaCode + ".") === 0;
    });
  }

  function connect() {
    if (!window.EventSource || state.blocked) { return; }
    var url = config.urls.events + (config.urls.events.indexOf("?") < 0 ? "?" : "&") +
      "screens=" + encodeURIComponent(screenNames().join(","));
    if (config.token) { url += "&token=" + encodeURIComponent(config.token); }
    events = new EventSource(url);
    events.addEventListener("changed", function (message) {
      var event = parse(message.data);
      if (event && concerns(event)) { restart("soon", load, FALLBACK_MS); }
    });
    events.addEventListener("data", function (message) { received(parse(message.data)); });
    events.addEventListener("refresh", function () { reloadPlaylist(); });
    events.addEventListener("config", function () { reloadPlaylist(); });
    events.addEventListener("revoked", function () { disconnect(); load(); });
    events.onopen = function () { document.body.setAttribute("data-events", "open"); };
    events.onerror = function () {
      document.body.setAttribute("data-events", "reconnecting");
      if (events && events.readyState === EventSource.CLOSED) {
        disconnect();
        load();
        restart("reconnect", connect, RECONNECT_MS);
      }
    };
  }

  function disconnect() {
    document.body.setAttribute("data-events", "closed");
    if (events) {
      events.onerror = null;
      events.close();
      events = null;
    }
  }

  function parse(data) {
    try { return JSON.parse(data); } catch (error) { return null; }
  }

  function online() {
    document.body.classList.remove("offline");
    elements.connection.hidden = true;
  }

  function offline() {
    document.body.classList.add("offline");
    elements.connection.textContent = strings.offline;
    elements.connection.hidden = false;
  }

  function block(message) {
    state.blocked = true;
    disconnect();
    Object.keys(timers).forEach(function (name) {
      clearTimeout(timers[name]);
      clearInterval(timers[name]);
    });
    elements.grid.replaceChildren();
    elements.blocked.replaceChildren(text("p", "blocked-title", "⚠"), text("p", "", message));
    elements.blocked.hidden = false;
  }

  function tick() {
    elements.clock.textContent = clockFormat.format(new Date());
  }

  function draw(data) {
    var screen = data.screen;
    state.follows = data.follows || [];
    state.areaCode = screen.area_code;
    elements.title.textContent = screen.title;
    elements.area.textContent = screen.area || "";
    elements.grid.style.setProperty("--columns", screen.columns);
    elements.grid.style.setProperty("--wide", Math.min(2, screen.columns));
    laidOut = [];
    elements.grid.replaceChildren.apply(elements.grid, data.widgets.map(tile));
    laidOut.forEach(function (drawing) { drawing(); });
    laidOut = [];
    var total = state.playlist.screens.length;
    elements.position.textContent = total > 1
      ? strings.screen_of.replace("{number}", state.index % total + 1).replace("{total}", total)
      : "";
  }

  function tile(widget) {
    var section = element("section", "tile kind-" + (widget.kind || "none") + " status-" + widget.status +
      " freshness-" + (widget.freshness || "none"));
    section.setAttribute("data-widget", widget.name);
    section.appendChild(text("h2", "tile-title", widget.title));
    var body = section.appendChild(element("div", "tile-body"));
    if (widget.status === "ok") {
      DRAW[widget.kind](body, widget.data, widget);
    } else if (widget.status === "missing") {
      body.appendChild(text("p", "tile-problem", strings.unavailable));
      body.appendChild(text("p", "tile-note", widget.message));
    } else {
      body.appendChild(text("p", "tile-problem", widget.message || strings.failed));
      if (widget.detail) { body.appendChild(text("pre", "tile-detail", widget.detail)); }
    }
    if (widget.status !== "missing") { section.appendChild(footer(widget)); }
    return section;
  }

  function footer(widget) {
    var foot = element("p", "tile-foot");
    foot.appendChild(text("span", "", widget.as_of
      ? strings.as_of.replace("{time}", when(widget.as_of)) : strings.no_data));
    var warning = strings.freshness[widget.freshness];
    if (warning) { foot.appendChild(text("span", "tile-warning", warning)); }
    return foot;
  }

  function when(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return ""; }
    return Date.now() - date.getTime() < 20 * 3600 * 1000 ? timeFormat.format(date) : dayFormat.format(date);
  }

  function number(value) {
    return value === null || value === undefined ? "—" : numbers.format(value);
  }

  function element(tag, className) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    return node;
  }

  function text(tag, className, content) {
    var node = element(tag, className);
    node.textContent = content === undefined || content === null ? "" : String(content);
    return node;
  }

  function svg(tag, attributes, content) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (content !== undefined) { node.textContent = String(content); }
    return node;
  }

  function empty(body, list) {
    if (list.length) { return false; }
    body.appendChild(text("p", "tile-empty", strings.empty));
    return true;
  }

  /* A figure with no colour is neither good nor bad: it has a look of its own, never the grey
     of a figure whose data is late. */
  function colour(value) { return value || "neutral"; }

  function drawKpi(body, data) {
    var value = body.appendChild(text("p", "kpi-value c-" + colour(data.colour), number(data.value)));
    if (data.unit && data.value !== null) { value.appendChild(text("span", "kpi-unit", data.unit)); }
    if (data.caption) { body.appendChild(text("p", "kpi-caption", data.caption)); }
  }

  function drawRanking(body, data) {
    if (empty(body, data.rows)) { return; }
    var list = body.appendChild(element("ol", "rows"));
    var most = Math.max.apply(null, data.rows.map(function (row) { return row.value || 0; }).concat([1]));
    var scale = data.unit === "%" ? Math.max(100, most) : most;
    data.rows.forEach(function (row, index) {
      var item = list.appendChild(element("li", "row"));
      item.appendChild(text("span", "row-rank", index + 1));
      item.appendChild(text("span", "row-label", row.label));
      var shown = row.display || number(row.value) + (data.unit && row.value !== null ? data.unit : "");
      item.appendChild(text("span", "row-value c-" + colour(row.colour), shown));
      var bar = item.appendChild(element("span", "row-bar")).appendChild(element("span", "bg-" + colour(row.colour)));
      bar.style.width = Math.max(0, Math.min(100, 100 * (row.value || 0) / scale)) + "%";
      if (row.caption) { item.appendChild(text("span", "row-caption", row.caption)); }
    });
  }

  function trendSummary(data, title) {
    var labels = data.labels;
    var parts = [title, strings.trend_span.replace("{start}", labels[0] || "").replace("{end}", labels[labels.length - 1] || "")];
    data.series.forEach(function (series) {
      var known = series.values.filter(function (value) { return value !== null; });
      if (!known.length) { return; }
      parts.push(strings.trend_series
        .replace("{series}", series.label)
        .replace("{first}", number(known[0]) + (data.unit || ""))
        .replace("{last}", number(known[known.length - 1]) + (data.unit || ""))
        .replace("{most}", number(Math.max.apply(null, known)) + (data.unit || "")));
    });
    return parts.join(". ");
  }

  function drawTrend(body, data, widget) {
    var width = 600, height = 300, top = 6;
    var values = [];
    data.series.forEach(function (series) {
      values = values.concat(series.values.filter(function (value) { return value !== null; }));
    });
    if (empty(body, values)) { return; }
    var most = Math.max.apply(null, values.concat([1]));
    var count = Math.max(data.labels.length - 1, 1);
    var x = function (index) { return width * index / count; };
    var y = function (value) { return top + (height - top) * (1 - value / most); };
    body.appendChild(text("p", "chart-note", number(most) + (data.unit || "")));
    var chart = body.appendChild(svg("svg", {
      "class": "chart", viewBox: "0 0 " + width + " " + height, preserveAspectRatio: "none", role: "img",
      "aria-label": trendSummary(data, widget.title)
    }));
    chart.appendChild(svg("line", { "class": "axis", x1: 0, x2: width, y1: height, y2: height }));
    data.series.forEach(function (series) {
      var points = [];
      series.values.forEach(function (value, index) {
        if (value !== null) { points.push(x(index).toFixed(1) + "," + y(value).toFixed(1)); }
      });
      chart.appendChild(svg("polyline", { "class": "line f-" + colour(series.colour), points: points.join(" ") }));
    });
    var axis = body.appendChild(element("div", "chart-axis"));
    [0, Math.floor(count / 2), count].forEach(function (index) {
      axis.appendChild(text("span", "", data.labels[index] || ""));
    });
    legend(body, data.series.map(function (series) {
      return { colour: series.colour, label: series.label, value: series.values[series.values.length - 1] };
    }));
  }

  /* One map, or one inset per place far from the others (such as each city), each fitted to
     the room its tile leaves it and padded by the largest dot, so no dot is cut at the edge. */
  function drawMap(body, data, widget) {
    if (empty(body, data.points)) { return; }
    var insets = data.insets && data.insets.length ? data.insets
      : [{ title: "", bounds: data.bounds || around(data.points) }];
    var maps = body.appendChild(element("div", "maps"));
    maps.style.setProperty("--insets", insets.length);
    var most = Math.max.apply(null, data.points.map(function (point) { return point.count || 1; }));
    var figures = insets.map(function (inset) {
      var figure = maps.appendChild(element("figure", "map-inset"));
      if (insets.length > 1) { figure.appendChild(text("figcaption", "map-title", inset.title)); }
      return figure;
    });
    if (data.legend) { legend(body, data.legend); }
    laidOut.push(function () {
      insets.forEach(function (inset, index) {
        var within = insets.length > 1 ? inside(inset.bounds) : function () { return true; };
        drawInset(figures[index], inset, data.points.filter(within), (data.labels || []).filter(within),
          most, inset.title || widget.title);
      });
    });
  }

  function inside(bounds) {
    return function (place) {
      return place.lat >= bounds.south && place.lat <= bounds.north &&
        place.lon >= bounds.west && place.lon <= bounds.east;
    };
  }

  function drawInset(figure, inset, points, labels, most, title) {
    var caption = figure.querySelector("figcaption");
    var width = Math.max(figure.clientWidth, 100);
    var height = Math.max(figure.clientHeight - (caption ? caption.offsetHeight : 0), 100);
    var unit = Math.max(width, height) / 90;
    var pad = unit * 3 + 2;
    var bounds = inset.bounds;
    var middle = (bounds.south + bounds.north) / 2 * Math.PI / 180;
    var spanX = Math.max((bounds.east - bounds.west) * Math.cos(middle), 1e-6);
    var spanY = Math.max(bounds.north - bounds.south, 1e-6);
    var scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
    var midLon = (bounds.east + bounds.west) / 2, midLat = (bounds.north + bounds.south) / 2;
    var x = function (lon) { return (width / 2 + (lon - midLon) * Math.cos(middle) * scale).toFixed(1); };
    var y = function (lat) { return (height / 2 - (lat - midLat) * scale).toFixed(1); };
    var map = figure.appendChild(svg("svg", {
      "class": "chart map", viewBox: "0 0 " + width + " " + height, role: "img",
      "aria-label": title + ": " + strings.map_places.replace("{count}", number(points.length))
    }));
    points.forEach(function (point) {
      var count = point.count || 1;
      var radius = point.count ? unit * (0.6 + 2.4 * Math.sqrt(count / most)) : unit * 1.6;
      map.appendChild(svg("circle", {
        "class": "map-point f-" + colour(point.colour), cx: x(point.lon), cy: y(point.lat), r: radius.toFixed(1)
      }));
      if (count > 1 && radius > unit * 1.4) {
        map.appendChild(svg("text", { "class": "map-count", x: x(point.lon), y: y(point.lat), "font-size": (radius * 0.9).toFixed(0) }, number(count)));
      }
    });
    labels.forEach(function (label) {
      map.appendChild(svg("text", { "class": "map-label", x: x(label.lon), y: y(label.lat), "font-size": (unit * 1.6).toFixed(0) }, label.text));
    });
  }

  function around(points) {
    var lats = points.map(function (point) { return point.lat; });
    var lons = points.map(function (point) { return point.lon; });
    return {
      south: Math.min.apply(null, lats) - 0.002, north: Math.max.apply(null, lats) + 0.002,
      west: Math.min.apply(null, lons) - 0.002, east: Math.max.apply(null, lons) + 0.002
    };
  }

  function legend(body, entries) {
    var list = body.appendChild(element("ul", "legend"));
    entries.forEach(function (entry) {
      var item = list.appendChild(element("li", ""));
      item.appendChild(element("span", "legend-swatch bg-" + colour(entry.colour)));
      item.appendChild(document.createTextNode(entry.label + (entry.value === undefined ? "" : ": " + number(entry.value))));
    });
  }

  function drawFeed(body, data) {
    if (empty(body, data.items)) { return; }
    var list = body.appendChild(element("ul", "items"));
    data.items.forEach(function (entry) {
      var item = list.appendChild(element("li", "item"));
      if (entry.image) {
        var photo = item.appendChild(element("img", "item-photo"));
        photo.alt = "";
        photo.src = config.token ? withToken(entry.image) : entry.image;
      } else {
        item.appendChild(element("span", "item-dot bg-" + colour(entry.colour)));
      }
      item.appendChild(text("span", "item-title", entry.title));
      var meta = [entry.caption, entry.at ? when(entry.at) : ""].filter(Boolean).join(" · ");
      item.appendChild(text("span", "item-meta", meta));
    });
  }

  var HEALTH_COLOURS = { ok: "green", degraded: "yellow", down: "red", needs_reauth: "red", unknown: "grey" };

  function drawHealth(body, data) {
    if (empty(body, data.sources)) { return; }
    var list = body.appendChild(element("ul", "items"));
    data.sources.forEach(function (source) {
      var shade = HEALTH_COLOURS[source.state] || "grey";
      var item = list.appendChild(element("li", "item"));
      item.appendChild(element("span", "item-dot bg-" + shade));
      var title = item.appendChild(text("span", "item-title", source.name + " "));
      title.appendChild(text("span", "health-state c-" + shade, strings.health[source.state] || source.state));
      var meta = [source.caption, source.as_of ? strings.as_of.replace("{time}", when(source.as_of)) : strings.no_data];
      item.appendChild(text("span", "item-meta", meta.filter(Boolean).join(" · ")));
    });
  }

  var DRAW = { kpi: drawKpi, ranking: drawRanking, trend: drawTrend, map: drawMap, feed: drawFeed, health: drawHealth };

  tick();
  timers.clock = setInterval(tick, 1000);
  show(0);
  connect();
}());
