/* Simpul's service worker: the portal keeps working on a phone without signal.

   - The pages opened on this phone are kept (the newest copy), with their photos, and shown when
     there is no signal; the portal's own files are kept too. Signing out forgets the pages.
   - A form that carries a client_id (an answer to a complaint, a new activity report) and cannot
     be sent is kept on the phone, files and all, and sent when the signal is back: by Background
     Sync where the browser has it, and whenever a page of the portal is opened or the phone comes
     back online.
   - A kept form is sent only while its author is signed in, with a fresh CSRF token, and asks for
     a JSON reply (see hub/portal/replies.py). The hub stores it once, however often it arrives,
     because it knows the client_id. One the hub refuses for good (the complaint was closed
     meanwhile) stays on the phone with the hub's reason until the person discards it. */
"use strict";

var VERSION = new URL(self.location.href).searchParams.get("v") || "dev";
var FILES = "simpul-files-" + VERSION;
var PAGES = "simpul-pages";
var KEPT_PAGE = "/-/kept";
var OFFLINE_PAGE = "/-/offline";
var KEEP = ["/static/simpul.css", "/static/offline.js", "/static/icons/simpul-192.png", KEPT_PAGE, OFFLINE_PAGE];
var PAGE_LIMIT = 120;
var SYNC_TAG = "simpul-outbox";
var TEXT_FIELDS = ["title", "note", "description"];

/* The outbox: kept forms in IndexedDB, and a few facts (who is signed in, in which language). */

function database() {
  return new Promise(function (resolve, reject) {
    var opening = indexedDB.open("simpul", 1);
    opening.onupgradeneeded = function () {
      opening.result.createObjectStore("outbox", {keyPath: "id", autoIncrement: true});
      opening.result.createObjectStore("facts");
    };
    opening.onsuccess = function () { resolve(opening.result); };
    opening.onerror = function () { reject(opening.error); };
  });
}

function stored(storeName, mode, work) {
  return database().then(function (db) {
    return new Promise(function (resolve, reject) {
      var transaction = db.transaction(storeName, mode);
      var result = work(transaction.objectStore(storeName));
      transaction.oncomplete = function () { db.close(); resolve(result && result.result); };
      transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
    });
  });
}

function keptForms() {
  return stored("outbox", "readonly", function (store) { return store.getAll(); });
}

function putForm(item) {
  return stored("outbox", "readwrite", function (store) { return store.put(item); });
}

function removeForm(id) {
  return stored("outbox", "readwrite", function (store) { return store.delete(id); });
}

function fact(name) {
  return stored("facts", "readonly", function (store) { return store.get(name); });
}

function setFact(name, value) {
  return stored("facts", "readwrite", function (store) { return store.put(value, name); });
}

/* Keeping a form that could not be sent. */

function keepForm(request, form) {
  var label = form.get("queue_label") || new URL(request.url).pathname;
  var fields = [];
  var text = [];
  form.delete("queue_label");
  form.forEach(function (value, name) {
    fields.push([name, value]);
    if (TEXT_FIELDS.indexOf(name) !== -1 && typeof value === "string" && value.trim()) {
      text.push(value.trim());
    }
  });
  return fact("user").then(function (user) {
    return putForm({
      url: request.url, page: request.referrer, label: label, fields: fields, text: text.join("\n\n"),
      user: user || "", state: "waiting", message: "", keptAt: Date.now()
    });
  }).then(function () {
    var sync = self.registration.sync;
    return sync ? sync.register(SYNC_TAG).catch(function () { return null; }) : null;
  });
}

function sendOrKeep(event) {
  var copy = event.request.clone();
  return fetch(event.request).catch(function () {
    return copy.formData().then(function (form) {
      if (!form.get("client_id")) {
        return Response.redirect(OFFLINE_PAGE, 303);
      }
      return keepForm(copy, form).then(function () {
        event.waitUntil(tellPages([]));
        return Response.redirect(KEPT_PAGE, 303);
      });
    }).catch(function () {
      return Response.redirect(OFFLINE_PAGE, 303);
    });
  });
}

/* Sending the kept forms, one at a time, once the hub answers. */

var flushing = null;
var flushAgain = false;

/* One send at a time; a call during one (the signal came back while a send without it was
   still failing) sends again once it is over. */
function flush() {
  if (flushing) {
    flushAgain = true;
    return flushing;
  }
  flushing = sendKept().then(function (left) {
    flushing = null;
    if (flushAgain) {
      flushAgain = false;
      return flush();
    }
    return left;
  }, function (error) {
    flushing = null;
    flushAgain = false;
    throw error;
  });
  return flushing;
}

function waitingForms() {
  return keptForms().then(function (items) {
    return items.filter(function (item) { return item.state === "waiting"; });
  });
}

function sendKept() {
  var sent = [];
  return waitingForms().then(function (waiting) {
    if (!waiting.length) {
      return null;
    }
    return fetch("/-/session.json", {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      return response.json();
    }).then(function (session) {
      var own = waiting.filter(function (item) { return session.user && item.user === session.user; });
      return own.reduce(function (previous, item) {
        return previous.then(function () {
          return sendForm(item, session.csrf_token).then(function (done) {
            if (done) {
              sent.push(done);
            }
          });
        });
      }, Promise.resolve());
    });
  }).catch(function () {
    return null;
  }).then(function () {
    return tellPages(sent);
  }).then(waitingForms).then(function (left) {
    return left.length;
  });
}

function sendForm(item, token) {
  var body = new FormData();
  item.fields.forEach(function (pair) {
    if (pair[0] !== "csrf_token") {
      body.append(pair[0], pair[1]);
    }
  });
  body.append("csrf_token", token);
  return fetch(item.url, {
    method: "POST", body: body, credentials: "same-origin", redirect: "manual",
    headers: {"Accept": "application/json"}
  }).then(function (response) {
    var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
    if (response.ok && json) {
      return response.json().then(function (reply) {
        return removeForm(item.id).then(function () { return {label: item.label, url: reply.url}; });
      });
    }
    if (json && response.status >= 400 && response.status < 500 && response.status !== 429) {
      return response.json().then(function (reply) {
        item.state = "refused";
        item.message = (reply.error && reply.error.message) || response.statusText;
        return putForm(item).then(function () { return null; });
      });
    }
    throw new Error("the hub cannot take it now: " + response.status);
  });
}

/* Telling the open pages what waits, what was sent and what was refused. */

function tellPages(sent) {
  return Promise.all([keptForms(), fact("user")]).then(function (found) {
    var user = found[1] || "";
    var items = found[0].map(function (item) {
      return {id: item.id, user: item.user, label: item.label, text: item.text, page: item.page,
              state: item.state, message: item.message, keptAt: item.keptAt};
    });
    return self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (pages) {
      pages.forEach(function (page) { page.postMessage({type: "outbox", user: user, items: items, sent: sent}); });
    });
  });
}

/* Pages and files, from the network when it answers, else from the phone. */

function isPage(response) {
  var type = response.headers.get("Content-Type") || "";
  var cacheControl = response.headers.get("Cache-Control") || "";
  return response.ok && response.type === "basic" && type.indexOf("text/html") === 0 &&
    cacheControl.indexOf("no-store") === -1;
}

function trimPages(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - PAGE_LIMIT)).map(function (key) {
      return cache.delete(key);
    }));
  });
}

function keepCopy(cacheName, request, response) {
  return caches.open(cacheName).then(function (cache) {
    return cache.put(request, response).then(function () {
      return cacheName === PAGES ? trimPages(cache) : null;
    });
  });
}

function pageOrCopy(event) {
  return fetch(event.request).then(function (response) {
    if (isPage(response)) {
      event.waitUntil(keepCopy(PAGES, event.request, response.clone()));
    }
    event.waitUntil(flush().catch(function () { return null; }));
    return response;
  }, function () {
    return caches.match(event.request).then(function (found) {
      return found || caches.match(OFFLINE_PAGE);
    });
  });
}

function fileOrCopy(event, cacheName) {
  return caches.match(event.request).then(function (found) {
    var fresh = fetch(event.request).then(function (response) {
      if (response.ok && response.type === "basic") {
        event.waitUntil(keepCopy(cacheName, event.request, response.clone()));
      }
      return response;
    });
    if (found) {
      event.waitUntil(fresh.catch(function () { return null; }));
      return found;
    }
    return fresh;
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(FILES).then(function (cache) { return cache.addAll(KEEP); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("simpul-files-") === 0 && name !== FILES;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(request.method === "POST" ? sendOrKeep(event) : pageOrCopy(event));
  } else if (request.method === "GET" && request.destination === "image") {
    event.respondWith(fileOrCopy(event, PAGES));
  } else if (request.method === "GET" && (request.destination === "style" || request.destination === "script")) {
    event.respondWith(fileOrCopy(event, FILES));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === SYNC_TAG) {
    event.waitUntil(flush().then(function (left) {
      if (left) {
        throw new Error(left + " forms still wait for the signal");
      }
    }));
  }
});

function refreshLanguage(language) {
  return fact("language").then(function (known) {
    if (known === language) {
      return null;
    }
    return caches.open(FILES).then(function (cache) {
      return cache.addAll([KEPT_PAGE, OFFLINE_PAGE]);
    }).then(function () { return setFact("language", language); });
  }).catch(function () { return null; });
}

self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type === "page") {
    var known = typeof message.user === "string" ? setFact("user", message.user) : Promise.resolve();
    event.waitUntil(known.then(function () {
      return Promise.all([refreshLanguage(message.language), flush()]);
    }));
  } else if (message.type === "discard") {
    event.waitUntil(removeForm(message.id).then(function () { return tellPages([]); }));
  } else if (message.type === "forget") {
    event.waitUntil(caches.delete(PAGES));
  }
});

/* Notifications pushed by the hub (hub/notify/push.py): JSON {title, body, url, tag}. A retried
   delivery carries the same tag and replaces its first copy. A tap on one opens its page, in a
   window of the portal already showing it if there is one. */

self.addEventListener("push", function (event) {
  var message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {body: event.data.text()};
  }
  event.waitUntil(self.registration.showNotification(message.title || "Simpul", {
    body: message.body || "",
    icon: "/static/icons/simpul-192.png",
    tag: message.tag,
    data: {url: message.url || "/inbox"}
  }));
});

self.addEventListener("notificationclick", function (event) {
  var url = new URL(event.notification.data.url, self.location.origin).href;
  event.notification.close();
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (pages) {
    var open = pages.filter(function (page) { return page.url === url; })[0];
    return open ? open.focus() : self.clients.openWindow(url);
  }));
});
