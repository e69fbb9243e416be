/* The push block of "How I am told" (hub/templates/notify/settings.html): turning notifications
   on asks the browser's permission, subscribes through the service worker (sw.js, registered by
   offline.js) with the hub's VAPID public key and sends the subscription to the hub; turning
   them off ends this phone's subscription and the hub forgets it. Without this script the
   buttons still post their forms, and the hub refuses an empty subscription with the reason. */
(function () {
  "use strict";

  var block = document.querySelector("[data-push]");
  if (!block) {
    return;
  }
  var problem = block.querySelector("#error-push");
  var on = block.querySelector("form[data-push-on]");
  var off = block.querySelector("form[data-push-off]");

  function say(text) {
    problem.textContent = text;
    problem.hidden = false;
  }

  function serverKey() {
    var text = block.dataset.key.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(text + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(raw, function (character) { return character.charCodeAt(0); });
  }

  function sameKey(subscription, key) {
    var used = subscription.options && subscription.options.applicationServerKey;
    if (!used || used.byteLength !== key.length) {
      return false;
    }
    var bytes = new Uint8Array(used);
    return key.every(function (value, index) { return bytes[index] === value; });
  }

  /* This phone's subscription with the hub's key: the one it has, or a new one. */
  function subscribe(registration) {
    var key = serverKey();
    return registration.pushManager.getSubscription().then(function (found) {
      if (found && sameKey(found, key)) {
        return found;
      }
      return (found ? found.unsubscribe() : Promise.resolve()).then(function () {
        return registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key});
      });
    });
  }

  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    on.querySelector("button").disabled = true;
    say(block.dataset.unsupported);
    return;
  }

  on.addEventListener("submit", function (event) {
    event.preventDefault();
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        say(block.dataset.denied);
        return null;
      }
      return navigator.serviceWorker.ready.then(subscribe).then(function (subscription) {
        on.elements.subscription.value = JSON.stringify(subscription);
        on.submit();
      });
    }).catch(function () {
      say(block.dataset.failed);
    });
  });

  if (off) {
    off.addEventListener("submit", function (event) {
      event.preventDefault();
      navigator.serviceWorker.getRegistration().then(function (registration) {
        return registration && registration.pushManager.getSubscription();
      }).then(function (found) {
        return found && found.unsubscribe();
      }).catch(function () {
        return null;
      }).then(function () {
        off.submit();
      });
    });
  }
}());
