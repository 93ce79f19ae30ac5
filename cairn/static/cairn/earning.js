/* Cairn — the educator's portfolio page.
 *
 * Autosave: every written answer and link saves itself 1.5 s after typing stops, when the field
 * loses focus, and every 20 s while there are unsaved changes. Each editor remembers the server
 * revision it last saw and sends it along, so a stale save is refused (409) instead of
 * overwriting newer text.
 *
 * Nothing typed is lost: every keystroke also goes to localStorage (one key per pursuit and
 * requirement, with that revision). The copy is cleared only once the server confirms the same
 * text. On load, a copy based on the server's current revision that differs from it is put back
 * in the editor and saved; an older copy is offered, never silently dropped.
 *
 * Also here: live word counts, file uploads with a progress bar, "Replace" for a file, and
 * finishing pending saves before "Check what's missing" and "Submit".
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 1500;
  var PERIODIC_MS = 20000;
  var RETRY_MAX_MS = 30000;
  var WORD = /\S+/g;

  var root = document.querySelector("[data-pursuit]");
  if (!root) return;
  var loginUrl = root.getAttribute("data-login-url") || "/accounts/login/";
  var signedOutRegion = root.querySelector("[data-signed-out-region]");
  var editors = [];
  var signedOut = false;
  var leaving = false;

  // ------------------------------------------------------------------ helpers

  function csrfToken() {
    // The cookie first: signing in again in another tab rotates the token the page was built with.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function same(a, b) {
    var keys = Object.keys(a).concat(Object.keys(b));
    for (var i = 0; i < keys.length; i++) {
      if ((a[keys[i]] || "") !== (b[keys[i]] || "")) return false;
    }
    return true;
  }

  function countWords(text) {
    var m = text.match(WORD);
    return m ? m.length : 0;
  }

  function megabytes(bytes) {
    return (bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0) + " MB";
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // private mode or storage disabled: autosave still works, without the local copy
    }
  }

  function setSignedOut(value) {
    if (value && !signedOut) {
      editors.forEach(function (e) {
        if (e.isDirty()) e.setStatus("signedout", "Not saved: you are signed out. Your text is kept on this device.");
      });
    }
    signedOut = value;
    if (!signedOutRegion) return;
    signedOutRegion.textContent = "";
    if (!value) return;
    var box = document.createElement("div");
    box.className = "signed-out";
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = "You are signed out.";
    p.appendChild(strong);
    p.appendChild(document.createTextNode(" Your text is kept on this device — "));
    var a = document.createElement("a");
    a.href = loginUrl;
    a.textContent = "sign in again";
    a.addEventListener("click", function () { leaving = true; });
    p.appendChild(a);
    p.appendChild(document.createTextNode(" and you will come back to this page, where it is saved."));
    box.appendChild(p);
    signedOutRegion.appendChild(box);
  }

  // ------------------------------------------------------------------ one editor

  function Editor(form) {
    this.form = form;
    this.url = form.getAttribute("action");
    this.key = form.getAttribute("data-key");
    this.revision = parseInt(form.getAttribute("data-revision"), 10) || 0;
    this.limit = parseInt(form.getAttribute("data-word-limit"), 10) || 0;
    this.fields = Array.prototype.slice.call(form.querySelectorAll("[data-field]"));
    this.status = form.querySelector("[data-status]");
    this.count = form.querySelector("[data-wordcount]");
    this.limitLive = form.querySelector("[data-limit-live]");
    this.baseInput = form.querySelector("[data-base-revision]");
    this.saved = this.value(); // what the server holds, as far as this page knows
    this.unacked = null; // a value sent whose reply never came (it may have been saved)
    this.pending = null;
    this.timer = null;
    this.retryDelay = 0;
    this.blocked = false; // refused (400) or conflicting (409): wait for the person
    this.wasOver = this.limit ? countWords(this.text()) > this.limit : false;
    this.bind();
    this.restore();
    this.updateCount();
  }

  Editor.prototype.value = function () {
    var v = {};
    this.fields.forEach(function (f) { v[f.name] = f.value; });
    return v;
  };

  Editor.prototype.text = function () {
    var v = this.value();
    return v.text || "";
  };

  Editor.prototype.setValue = function (v) {
    this.fields.forEach(function (f) {
      if (Object.prototype.hasOwnProperty.call(v, f.name)) f.value = v[f.name];
    });
    this.updateCount();
  };

  Editor.prototype.isDirty = function () {
    return !same(this.value(), this.saved);
  };

  Editor.prototype.setStatus = function (state, message) {
    this.form.setAttribute("data-state", state);
    if (this.status && this.status.textContent !== message) this.status.textContent = message;
  };

  Editor.prototype.setRevision = function (revision) {
    this.revision = revision;
    this.form.setAttribute("data-revision", String(revision));
    if (this.baseInput) this.baseInput.value = String(revision);
  };

  // --- the local copy

  Editor.prototype.writeLocal = function () {
    var s = storage();
    if (!s || !this.key) return;
    try {
      s.setItem(this.key, JSON.stringify({ value: this.value(), revision: this.revision, at: Date.now() }));
    } catch (e) { /* storage full: the server copy is the only one */ }
  };

  Editor.prototype.readLocal = function () {
    var s = storage();
    if (!s || !this.key) return null;
    try {
      var data = JSON.parse(s.getItem(this.key) || "null");
      return data && data.value ? data : null;
    } catch (e) {
      return null;
    }
  };

  Editor.prototype.clearLocal = function () {
    var s = storage();
    if (s && this.key) s.removeItem(this.key);
  };

  Editor.prototype.restore = function () {
    var local = this.readLocal();
    if (!local) return;
    if (same(local.value, this.saved)) {
      this.clearLocal();
    } else if (local.revision === this.revision) {
      // Typed on top of what the server still holds, never saved: put it back and save it.
      this.setValue(local.value);
      this.note("Restored text you had not saved yet from this device.");
      this.setStatus("dirty", "Restored text you had not saved yet. Saving…");
      this.schedule(300);
    } else {
      this.offer(local);
    }
  };

  Editor.prototype.note = function (message) {
    var p = document.createElement("p");
    p.className = "restored-note";
    p.textContent = message;
    this.form.insertBefore(p, this.form.querySelector("label, .field"));
  };

  Editor.prototype.offer = function (local) {
    // The server moved on (another device or window saved) after this copy was typed. Offer it.
    var self = this;
    var box = document.createElement("div");
    box.className = "restore-offer";
    var p = document.createElement("p");
    p.textContent = "This device kept text you typed here that was never saved, and the saved answer " +
      "has changed since. It is not in the editor. Put it back, or discard it.";
    box.appendChild(p);
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = "Show the text from this device";
    var pre = document.createElement("pre");
    pre.textContent = local.value.text !== undefined ? local.value.text
      : [local.value.link_url || "", local.value.link_title || ""].join("\n");
    details.appendChild(summary);
    details.appendChild(pre);
    box.appendChild(details);
    var actions = document.createElement("div");
    actions.className = "actions";
    var use = document.createElement("button");
    use.type = "button";
    use.className = "button-secondary button-small";
    use.textContent = "Put it back in the editor";
    var drop = document.createElement("button");
    drop.type = "button";
    drop.className = "button-secondary button-small";
    drop.textContent = "Discard it";
    actions.appendChild(use);
    actions.appendChild(drop);
    box.appendChild(actions);
    this.form.insertBefore(box, this.form.querySelector("label, .field"));
    use.addEventListener("click", function () {
      self.setValue(local.value);
      self.writeLocal();
      box.remove();
      self.setStatus("dirty", "Text from this device is back in the editor. Saving…");
      self.fields[0].focus();
      self.schedule(0);
    });
    drop.addEventListener("click", function () {
      self.clearLocal();
      box.remove();
      self.fields[0].focus();
    });
  };

  // --- typing

  Editor.prototype.bind = function () {
    var self = this;
    this.fields.forEach(function (f) {
      f.addEventListener("input", function () {
        self.blocked = false;
        self.writeLocal();
        self.updateCount();
        if (self.form.getAttribute("data-state") !== "dirty") self.setStatus("dirty", "Not saved yet");
        self.schedule(DEBOUNCE_MS);
      });
      f.addEventListener("change", function () { self.save(); });
    });
  };

  Editor.prototype.updateCount = function () {
    if (!this.count) return;
    var n = countWords(this.text());
    var words = n + (n === 1 ? " word" : " words");
    if (!this.limit) {
      this.count.textContent = words;
      return;
    }
    var over = n > this.limit;
    this.count.textContent = over
      ? words + " — " + (n - this.limit) + " over the " + this.limit + "-word limit"
      : words + " of " + this.limit;
    this.count.classList.toggle("over", over);
    if (over !== this.wasOver && this.limitLive) {
      this.limitLive.textContent = over ? "Over the " + this.limit + "-word limit." : "Within the word limit.";
    }
    this.wasOver = over;
  };

  Editor.prototype.schedule = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.save(); }, delay);
  };

  // --- saving

  Editor.prototype.save = function () {
    var self = this;
    clearTimeout(this.timer);
    if (this.pending) return this.pending;
    var value = this.value();
    if (same(value, this.saved)) {
      this.clearLocal();
      if (this.form.getAttribute("data-state") === "dirty") this.setStatus("saved", "Saved");
      return Promise.resolve(true);
    }
    if (this.blocked) return Promise.resolve(false);
    var body = new URLSearchParams();
    body.append("base_revision", String(this.revision));
    Object.keys(value).forEach(function (k) { body.append(k, value[k]); });
    this.setStatus("saving", "Saving…");
    this.pending = fetch(this.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual", // a redirect to the sign-in page means the session ended
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      return response.text().then(function (raw) {
        var data = {};
        try { data = JSON.parse(raw); } catch (e) { /* not JSON: judged by status */ }
        self.pending = null;
        return self.handle(response, data, value);
      });
    }, function () {
      self.pending = null;
      self.unacked = value;
      return self.failed("Not saved yet: the connection failed. Your text is kept on this device; trying again…");
    });
    return this.pending;
  };

  Editor.prototype.handle = function (response, data, sent) {
    var status = response.status;
    if (response.type === "opaqueredirect" || status === 401 || status === 403) {
      setSignedOut(true);
      this.setStatus("signedout", "Not saved: you are signed out. Your text is kept on this device.");
      return false; // the periodic save tries again, so signing in elsewhere is enough
    }
    if (status === 200 && typeof data.revision === "number") {
      setSignedOut(false);
      this.unacked = null;
      this.retryDelay = 0;
      this.confirmed(data.revision, sent, data.message || "Saved");
      return !this.isDirty();
    }
    if (status === 409 && data.conflict) {
      var current = data.current || {};
      var theirs = {};
      var self = this;
      Object.keys(sent).forEach(function (k) { theirs[k] = current[k] || ""; });
      if (same(theirs, sent) || (this.unacked && same(theirs, this.unacked))) {
        // Our own earlier save had landed; only its reply was lost. Carry on from there.
        this.unacked = null;
        this.confirmed(data.revision, theirs, data.saved_at ? "Saved " + data.saved_at : "Saved");
        if (this.isDirty()) this.schedule(0);
        return !this.isDirty();
      }
      this.blocked = true;
      this.setStatus("conflict", "");
      this.status.textContent = (data.error || "This answer was changed in another window.") + " ";
      var link = document.createElement("a");
      link.href = window.location.pathname + "#" + this.form.closest("section").id;
      link.textContent = "Reload the page";
      link.addEventListener("click", function (ev) {
        ev.preventDefault();
        self.writeLocal();
        leaving = true;
        window.location.reload();
      });
      this.status.appendChild(link);
      return false;
    }
    if (status === 400) {
      this.blocked = true;
      this.setStatus("error", "Not saved: " + (data.error || "the server refused this text.") +
        " Your text is kept on this device.");
      return false;
    }
    return this.failed("Not saved yet: the server had a problem (" + status + "). Your text is kept on this device; trying again…");
  };

  Editor.prototype.confirmed = function (revision, sentValue, message) {
    this.setRevision(revision);
    this.saved = sentValue;
    if (this.isDirty()) {
      this.writeLocal(); // same text, now based on the new revision
      this.setStatus("dirty", "Not saved yet");
      this.schedule(DEBOUNCE_MS);
    } else {
      this.clearLocal();
      this.setStatus("saved", message);
    }
    refreshChecklist();
  };

  Editor.prototype.failed = function (message) {
    this.setStatus("error", message);
    this.retryDelay = Math.min(Math.max(this.retryDelay * 2, 2000), RETRY_MAX_MS);
    this.schedule(this.retryDelay);
    return false;
  };

  Editor.prototype.flush = function () {
    var self = this;
    return this.save().then(function (ok) {
      return ok && self.isDirty() ? self.save() : ok && !self.isDirty();
    });
  };

  // After a save or an upload, refresh the checklist, the Ready/Missing tags and the count
  // (quietly: the summary that is read out changes only when the person asks for a check).
  var refreshTimer = null;
  function refreshChecklist() {
    var result = document.getElementById("check-result");
    if (!result || !window.htmx) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      window.htmx.ajax("GET", result.getAttribute("data-check-url") + "?quiet=1", { target: "#check-result", swap: "none" });
    }, 1000);
  }

  function flushAll() {
    return Promise.all(editors.map(function (e) { return e.flush(); })).then(function (results) {
      return results.every(Boolean);
    });
  }

  // ------------------------------------------------------------------ uploads

  function swapFiles(box, html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.querySelector("[data-files]");
    if (!fresh) return null;
    box.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    prepareFiles(fresh);
    announceMessage(fresh);
    refreshChecklist();
    return fresh;
  }

  function announceMessage(box) {
    var message = box.getAttribute("data-message");
    if (message) {
      announce(box, message);
      box.setAttribute("data-message", "");
    }
  }

  function announce(box, message) {
    var live = box.parentNode && box.parentNode.querySelector("[data-files-live]");
    if (live && message) live.textContent = message;
  }

  function showUploadError(box, message) {
    var error = box.querySelector("[data-upload-error]");
    var input = box.querySelector("input[type=file]");
    if (error) error.textContent = message;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }

  function post(url, data, headers) {
    return fetch(url, { method: "POST", body: data, credentials: "same-origin", redirect: "manual", headers: headers });
  }

  function upload(form, file, replace) {
    var box = form.closest("[data-files]");
    var parent = box.parentNode;
    var max = parseInt(box.getAttribute("data-max-bytes"), 10) || 0;
    var error = box.querySelector("[data-upload-error]");
    if (error) error.textContent = "";
    if (max && file.size > max) {
      showUploadError(box, "“" + file.name + "” is " + megabytes(file.size) + "; the limit is " + megabytes(max) + ". Nothing was uploaded.");
      return;
    }
    if (file.size === 0) {
      showUploadError(box, "“" + file.name + "” is empty. Nothing was uploaded.");
      return;
    }
    var progressBox = box.querySelector("[data-progress-box]");
    var progress = box.querySelector("[data-progress]");
    var label = box.querySelector("[data-progress-label]");
    var input = box.querySelector("input[type=file]");
    progressBox.hidden = false;
    progress.value = 0;
    label.textContent = "Uploading “" + file.name + "”… 0%";
    input.disabled = true;
    var data = new FormData();
    data.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"));
    xhr.setRequestHeader("HX-Request", "true");
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    var announced = 0;
    xhr.upload.addEventListener("progress", function (ev) {
      if (!ev.lengthComputable) return;
      var pct = Math.floor((ev.loaded / ev.total) * 100);
      progress.value = pct;
      label.textContent = "Uploading “" + file.name + "”… " + pct + "%";
      if (pct >= announced + 25) {
        announced = pct - (pct % 25);
        announce(box, "Uploading, " + announced + "%");
      }
    });
    xhr.addEventListener("load", function () {
      input.disabled = false;
      progressBox.hidden = true;
      if (xhr.status === 401 || xhr.status === 403) {
        setSignedOut(true);
        showUploadError(box, "Not uploaded: you are signed out. Sign in again, then choose the file again.");
        return;
      }
      if (xhr.status !== 200 && xhr.status !== 400) {
        showUploadError(box, "The upload failed (server error " + xhr.status + "). Nothing was uploaded; try again.");
        return;
      }
      setSignedOut(false);
      var fresh = swapFiles(box, xhr.responseText);
      if (!fresh) return;
      if (xhr.status === 400) {
        var freshInput = fresh.querySelector("input[type=file]");
        if (freshInput) freshInput.focus();
        return;
      }
      if (replace) {
        // The new file is in; now take the old one out (nothing is removed if the upload failed).
        post(replace.url, new URLSearchParams(), { "HX-Request": "true", "X-CSRFToken": csrfToken() })
          .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
          .then(function (res) {
            var after = res.ok ? swapFiles(fresh, res.text) : null;
            announce(after || fresh, res.ok ? "Replaced “" + replace.name + "” with “" + file.name + "”."
              : "Uploaded “" + file.name + "”, but “" + replace.name + "” could not be removed. Remove it yourself.");
          }, function () {
            announce(fresh, "Uploaded “" + file.name + "”, but “" + replace.name + "” could not be removed. Remove it yourself.");
          });
        return;
      }
      var next = parent.querySelector("[data-files] input[type=file]");
      if (next) next.focus();
    });
    xhr.addEventListener("error", function () {
      input.disabled = false;
      progressBox.hidden = true;
      showUploadError(box, "The upload failed: the connection dropped. Nothing was uploaded; try again.");
    });
    xhr.send(data);
  }

  function prepareFiles(box) {
    var button = box.querySelector("[data-upload-button]");
    if (button) button.hidden = true; // choosing a file starts the upload
    box.querySelectorAll("[data-replace]").forEach(function (b) { b.hidden = false; });
  }

  // ------------------------------------------------------------------ wiring

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    editors.push(new Editor(form));
  });
  document.querySelectorAll("[data-files]").forEach(prepareFiles);

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.matches("form[data-autosave]")) {
      ev.preventDefault();
      var editor = editors.filter(function (e) { return e.form === form; })[0];
      if (editor) {
        editor.blocked = false;
        editor.save();
      }
    } else if (form.matches("form[data-upload]")) {
      ev.preventDefault();
      var input = form.querySelector("input[type=file]");
      if (input && input.files && input.files[0]) upload(form, input.files[0], null);
      else showUploadError(form.closest("[data-files]"), "Choose a file to upload.");
    } else if (form.matches("form[data-submit-form]")) {
      if (form.getAttribute("data-flushed") === "1") return;
      ev.preventDefault();
      var status = form.querySelector("[data-submit-status]");
      if (status) status.textContent = "";
      flushAll().then(function (ok) {
        if (!ok) {
          if (status) {
            status.textContent = "Nothing was submitted: your latest changes are not saved yet. " +
              (signedOut ? "Sign in again first." : "See the message next to each answer.");
          }
          return;
        }
        form.setAttribute("data-flushed", "1");
        leaving = true;
        form.submit();
      });
    } else {
      leaving = true; // resubmit, withdraw and other plain forms
    }
  });

  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (input.matches && input.matches("form[data-upload] input[type=file]") && input.files && input.files[0]) {
      upload(input.form, input.files[0], null);
    }
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-replace]");
    if (!button) return;
    var box = button.closest("[data-files]");
    var form = box.querySelector("form[data-upload]");
    var picker = document.createElement("input");
    picker.type = "file";
    picker.addEventListener("change", function () {
      if (picker.files && picker.files[0]) {
        upload(form, picker.files[0], { url: button.getAttribute("data-remove-url"), name: button.getAttribute("data-name") });
      }
    });
    picker.click();
  });

  // "Check what's missing" checks what the server holds: finish pending saves first.
  document.body.addEventListener("htmx:confirm", function (ev) {
    var elt = ev.detail && ev.detail.elt;
    if (!elt || !elt.matches || !elt.matches("[data-check]")) return;
    ev.preventDefault();
    flushAll().then(function () { ev.detail.issueRequest(true); });
  });

  // Removing a file answers 400 with the list and the reason: show it rather than nothing.
  document.body.addEventListener("htmx:beforeSwap", function (ev) {
    var status = ev.detail.xhr.status;
    if (status === 401) {
      setSignedOut(true);
      return;
    }
    if (status === 400 && ev.detail.target && ev.detail.target.matches("[data-files]")) {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (ev) {
    var target = ev.detail && ev.detail.target;
    if (!target || !target.matches || !target.matches("[data-files]")) return;
    document.querySelectorAll("[data-files]").forEach(function (box) {
      prepareFiles(box);
      if (box.getAttribute("data-message")) refreshChecklist();
      announceMessage(box);
    });
  });

  setInterval(function () {
    editors.forEach(function (e) {
      if (!e.pending && e.isDirty() && !e.blocked) e.save();
    });
  }, PERIODIC_MS);

  window.addEventListener("online", function () {
    editors.forEach(function (e) { if (e.isDirty() && !e.blocked) e.save(); });
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      editors.forEach(function (e) { if (e.isDirty() && !e.blocked) e.save(); });
    }
  });

  window.addEventListener("beforeunload", function (ev) {
    if (leaving) return;
    var unsaved = editors.some(function (e) { return e.isDirty() || e.pending; });
    if (unsaved) {
      ev.preventDefault();
      ev.returnValue = "";
    }
  });
})();
