/* Activity report form, for slow connections: the draft is kept on the device, the report is
   sent through the JSON API with an id chosen once per draft (a retried send never makes a second
   report), files are uploaded one by one with progress and can be retried, and the phone's
   position fills the location. Without this script the form still posts as a plain form. */
(function () {
  "use strict";

  var form = document.querySelector("[data-report-form]");
  if (!form || !window.fetch || !window.FormData || !window.localStorage) {
    return;
  }
  var messages = JSON.parse(document.getElementById("report-messages").textContent);
  var api = form.dataset.api;
  var pages = form.dataset.pages;
  var draftKey = form.dataset.draftKey;
  var existingId = form.dataset.reportId;
  var csrfToken = form.elements.csrf_token.value;
  var fileInput = form.elements.files;
  var uploadList = form.querySelector("[data-uploads]");
  var formError = form.querySelector("[data-form-error]");
  var submitButton = form.querySelector("button[type=submit]");
  var FIELDS = ["client_id", "activity_type", "date", "title", "description", "participants",
    "latitude", "longitude", "location_source"];

  function fields() {
    return FIELDS.map(function (name) { return form.elements[name]; }).filter(Boolean);
  }

  function saveDraft() {
    var draft = {};
    fields().forEach(function (field) { draft[field.name] = field.value; });
    try {
      localStorage.setItem(draftKey, JSON.stringify(draft));
    } catch (error) {
      /* storage full or disabled: the form still works, only the draft is not kept */
    }
  }

  function restoreDraft() {
    var draft = null;
    try {
      draft = JSON.parse(localStorage.getItem(draftKey) || "null");
    } catch (error) {
      draft = null;
    }
    if (draft) {
      fields().forEach(function (field) {
        if (typeof draft[field.name] === "string" && (draft[field.name] || field.name !== "client_id")) {
          field.value = draft[field.name];
        }
      });
      document.querySelector("[data-draft-notice]").hidden = !(draft.title || draft.description);
    }
    /* a new draft gets an id of its own, also on a copy of the page kept on the phone */
    if (form.elements.client_id && !(draft && draft.client_id) && window.crypto && crypto.randomUUID) {
      form.elements.client_id.value = crypto.randomUUID();
    }
    saveDraft();
  }

  function showError(message, field) {
    formError.textContent = message;
    formError.hidden = false;
    var input = field && form.elements[field];
    if (input && input.focus) {
      input.focus();
    }
  }

  function sendJson(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken},
      body: JSON.stringify(body)
    }).catch(function () {
      throw {message: messages.offline, unreachable: true};
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = data.error || {};
          throw {message: response.status >= 500 ? messages.offline : error.message || response.statusText,
                 field: error.field};
        }
        return {status: response.status, report: data};
      });
    });
  }

  function reportBody(withClientId) {
    var body = {};
    fields().forEach(function (field) {
      if (field.name !== "client_id" || withClientId) {
        body[field.name] = field.value;
      }
    });
    return body;
  }

  function saveReport() {
    if (existingId) {
      return sendJson("PATCH", api + "/" + existingId, reportBody(false));
    }
    return sendJson("POST", api, reportBody(true)).then(function (sent) {
      /* 200: this draft was sent before; bring the report up to date with the form */
      return sent.status === 200 ? sendJson("PATCH", api + "/" + sent.report.id, reportBody(false)) : sent;
    });
  }

  function uploadRow(file) {
    var row = document.createElement("li");
    var name = document.createElement("span");
    var retry = document.createElement("button");
    var progress = document.createElement("progress");
    var state = document.createElement("p");
    name.className = "upload-name";
    name.textContent = file.name;
    retry.type = "button";
    retry.className = "secondary";
    retry.textContent = messages.retry;
    retry.hidden = true;
    progress.max = 1;
    progress.value = 0;
    state.className = "upload-state";
    row.append(name, retry, progress, state);
    uploadList.append(row);
    return {file: file, row: row, retry: retry, progress: progress, state: state, done: false, refused: false};
  }

  function upload(reportId, item) {
    return new Promise(function (resolve) {
      var request = new XMLHttpRequest();
      var data = new FormData();
      item.retry.hidden = true;
      item.state.textContent = "";
      item.state.className = "upload-state";
      request.open("POST", api + "/" + reportId + "/attachments");
      request.setRequestHeader("X-CSRFToken", csrfToken);
      request.setRequestHeader("Accept", "application/json");
      request.upload.onprogress = function (event) {
        if (event.lengthComputable) {
          item.progress.value = event.loaded / event.total;
        }
      };
      request.onload = function () {
        if (request.status >= 200 && request.status < 300) {
          item.done = true;
          item.progress.value = 1;
          item.state.textContent = messages.uploaded;
        } else if (request.status >= 500 || request.status === 429) {
          failed(item);
        } else {
          item.refused = true;
          item.state.className = "upload-state upload-failed";
          item.state.textContent = refusal(request);
        }
        resolve(item);
      };
      request.onerror = request.ontimeout = request.onabort = function () {
        failed(item);
        resolve(item);
      };
      data.append("file", item.file, item.file.name);
      request.send(data);
    });
  }

  function refusal(request) {
    try {
      return JSON.parse(request.responseText).error.message;
    } catch (error) {
      return request.statusText;
    }
  }

  function failed(item) {
    item.state.className = "upload-state upload-failed";
    item.state.textContent = messages.failed;
    item.retry.hidden = false;
  }

  function uploadAll(reportId, items) {
    return items.reduce(function (previous, item) {
      return previous.then(function () { return item.done ? item : upload(reportId, item); });
    }, Promise.resolve());
  }

  function finish(reportId, items) {
    var complete = items.every(function (item) { return item.done; });
    if (complete) {
      localStorage.removeItem(draftKey);
      window.location.href = pages + "/" + reportId;
      return;
    }
    if (items.every(function (item) { return item.done || item.refused; })) {
      localStorage.removeItem(draftKey);
    }
    formError.textContent = messages.unfinished + " ";
    var link = document.createElement("a");
    link.href = pages + "/" + reportId;
    link.textContent = messages.open;
    formError.append(link);
    formError.hidden = false;
  }

  function submit(event) {
    event.preventDefault();
    formError.hidden = true;
    submitButton.disabled = true;
    uploadList.textContent = "";
    var items = Array.prototype.map.call(fileInput.files, uploadRow);
    saveReport().then(function (sent) {
      var reportId = sent.report.id;
      existingId = String(reportId);
      items.forEach(function (item) {
        item.retry.onclick = function () {
          upload(reportId, item).then(function () { finish(reportId, items); });
        };
      });
      return uploadAll(reportId, items).then(function () { finish(reportId, items); });
    }).catch(function (error) {
      if (error.unreachable && !existingId && keptByThePhone()) {
        localStorage.removeItem(draftKey);
        form.submit();
        return;
      }
      showError(error.message, error.field);
    }).then(function () {
      submitButton.disabled = false;
    });
  }

  /* Without signal, a new report goes as the plain form: the portal's service worker keeps it,
     files and all, and sends it once when the signal is back (hub/static/sw.js). */
  function keptByThePhone() {
    return Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
  }

  function locate() {
    var status = form.querySelector("[data-location-status]");
    status.textContent = messages.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      form.elements.location_source.value = "gps";
      status.textContent = messages.located.replace("{accuracy}", Math.round(position.coords.accuracy));
      saveDraft();
    }, function () {
      status.textContent = messages.no_location;
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  }

  function typedLocation() {
    form.elements.location_source.value = "manual";
  }

  restoreDraft();
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  form.addEventListener("submit", submit);
  form.elements.latitude.addEventListener("input", typedLocation);
  form.elements.longitude.addEventListener("input", typedLocation);
  fileInput.addEventListener("change", function () {
    uploadList.textContent = "";
    Array.prototype.forEach.call(fileInput.files, uploadRow);
  });
  if (navigator.geolocation) {
    var button = form.querySelector("[data-locate]");
    button.hidden = false;
    button.addEventListener("click", locate);
  }
}());
