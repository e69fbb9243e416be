/* Every page's part in working without signal: register the service worker (sw.js), show what
   waits on this phone to be sent, what was sent and what the hub refused, and give each form
   that may wait on the phone a client_id of its own. */
(function () {
  "use strict";

  var script = document.currentScript;
  var box = document.querySelector("[data-phone-outbox]");
  if (!("serviceWorker" in navigator) || !script || !box) {
    return;
  }
  var messages = JSON.parse(document.getElementById("webapp-messages").textContent);
  /* The signed-in user; unknown on the pages kept alike for everyone (then the worker knows). */
  var pageUser = document.body.dataset.user;
  var user = pageUser || "";
  var sentHere = [];  /* what was sent while this page is open, shown until it is left */

  function toWorker(message) {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage(message);
      }
    });
  }

  function hello() {
    toWorker({type: "page", user: pageUser, language: document.documentElement.lang});
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) {
      made.className = className;
    }
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  function link(href, text) {
    var made = element("a", "", text);
    made.href = href;
    return made;
  }

  function when(time) {
    return new Date(time).toLocaleString(document.documentElement.lang, {dateStyle: "short", timeStyle: "short"});
  }

  function waitingList(items) {
    var section = element("div", "notice notice-info");
    var list = element("ul", "kept");
    section.append(element("h2", "", messages.waiting + " (" + items.length + ")"), list);
    items.forEach(function (item) {
      list.append(element("li", "", item.label + " · " + when(item.keptAt)));
    });
    if (!user) {
      section.append(element("p", "", messages.signIn));
    }
    return section;
  }

  function refusal(item) {
    var section = element("div", "notice notice-error");
    var discard = element("button", "secondary", messages.discard);
    section.setAttribute("role", "alert");
    section.append(element("h2", "", messages.refused + ": " + item.label), element("p", "", item.message));
    if (item.text) {
      section.append(element("p", "", messages.wrote + ":"), element("blockquote", "kept-text", item.text));
    }
    if (item.page) {
      section.append(link(item.page, messages.open), document.createTextNode(" "));
    }
    discard.type = "button";
    discard.addEventListener("click", function () { toWorker({type: "discard", id: item.id}); });
    section.append(discard);
    return section;
  }

  function sentList(sent) {
    var section = element("div", "notice notice-success");
    var list = element("ul", "kept");
    section.setAttribute("role", "status");
    section.append(element("h2", "", messages.sent), list);
    sent.forEach(function (done) {
      var item = element("li");
      item.append(link(done.url, done.label));
      list.append(item);
    });
    return section;
  }

  function show(state) {
    if (pageUser === undefined) {
      user = state.user;
    }
    var own = state.items.filter(function (item) { return item.user === user; });
    var waiting = state.items.filter(function (item) {
      return item.state === "waiting" && (item.user === user || !user);
    });
    var parts = [];
    if (!navigator.onLine) {
      parts.push(element("p", "notice", messages.keptCopy));
    }
    if (waiting.length) {
      parts.push(waitingList(waiting));
    }
    own.filter(function (item) { return item.state === "refused"; }).forEach(function (item) {
      parts.push(refusal(item));
    });
    sentHere = sentHere.concat(state.sent);
    if (sentHere.length) {
      parts.push(sentList(sentHere));
    }
    box.replaceChildren.apply(box, parts);
    box.hidden = parts.length === 0;
    box.dataset.waiting = String(waiting.length);
  }

  document.querySelectorAll("form input[name=client_id][data-fresh]").forEach(function (input) {
    if (window.crypto && crypto.randomUUID) {
      input.value = crypto.randomUUID();
    }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.matches("[data-forget-pages]")) {
      toWorker({type: "forget"});
    }
  });
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "outbox") {
      show(event.data);
    }
  });
  window.addEventListener("online", hello);
  window.addEventListener("offline", hello);
  navigator.serviceWorker.register(script.dataset.worker).then(hello, function () { return null; });
}());
