// Save a draft as its writer types: the form posts itself, with the version it was opened at,
// a moment after the last keystroke, and the server answers in JSON. Until the server has the
// text, it stays in the page and in this tab's session storage (kept per organiser, gone with
// the tab), so a failed request or a reload loses nothing; a save refused because someone else
// saved first says so and keeps the text where it is. The Save button waits for a save in
// flight, so it never posts an outdated version.
(function () {
  "use strict";
  var DELAY = 1500;

  function attach(form) {
    var status = form.querySelector("[data-autosave-status]");
    var version = form.querySelector('input[name$="version"]');
    var key = "ip4dialogue-draft:" + form.dataset.autosave + ":" + form.getAttribute("action");
    var timer = null;
    var saving = false;
    var again = false;
    var submitting = false;

    function say(text, state) {
      status.textContent = text;
      status.dataset.state = state;
    }

    function fields() {
      return Array.prototype.slice.call(form.querySelectorAll("textarea, select"));
    }

    function snapshot() {
      var copy = { version: version.value };
      fields().forEach(function (field) { copy[field.name] = field.value; });
      return copy;
    }

    function sameText(one, other) {
      return fields().every(function (field) { return one[field.name] === other[field.name]; });
    }

    function keep() {
      try { window.sessionStorage.setItem(key, JSON.stringify(snapshot())); } catch (ignored) { /* storage off */ }
    }

    function kept() {
      try { return JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (ignored) { return null; }
    }

    function forget() {
      try { window.sessionStorage.removeItem(key); } catch (ignored) { /* storage off */ }
    }

    function restore() {
      var copy = kept();
      if (!copy) { return; }
      var differs = fields().some(function (field) {
        return copy[field.name] !== undefined && copy[field.name] !== field.value;
      });
      if (!differs) { forget(); return; }
      if (copy.version !== version.value) {
        say("This browser kept text you typed before someone else saved; it was not saved. " +
            "Press \u201cShow my unsaved text\u201d to copy what you need.", "error");
        var show = document.createElement("button");
        show.type = "button";
        show.className = "link-button";
        show.textContent = "Show my unsaved text";
        show.addEventListener("click", function () {
          var pre = document.createElement("pre");
          pre.className = "unsaved-copy";
          pre.textContent = fields().map(function (field) { return copy[field.name] || ""; }).join("\n\n");
          show.replaceWith(pre);
          forget();
        });
        status.after(show);
        return;
      }
      fields().forEach(function (field) {
        if (copy[field.name] !== undefined) { field.value = copy[field.name]; }
      });
      say("Restored what you typed that had not been saved; saving it now.", "saving");
      save();
    }

    function saved(body, sent) {
      version.value = body.version;
      if (sameText(snapshot(), sent)) { forget(); } else { keep(); }  // typed on meanwhile
      var flagged = Object.keys(body.flags || {}).reduce(function (sum, name) { return sum + body.flags[name]; }, 0);
      say("Saved at " + new Date().toLocaleTimeString() + "." +
          (flagged ? " The check flags " + flagged + " passage(s): save with the button to see them highlighted." : ""),
          "saved");
    }

    function save() {
      if (saving) { again = true; return; }
      saving = true;
      var sent = snapshot();
      say("Saving\u2026", "saving");
      window.fetch(form.getAttribute("action"), {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Autosave": "1" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().catch(function () {
          return { saved: false, error: "the server answered " + response.status + "." };
        }).then(function (body) {
          if (response.ok && body.saved !== false) { saved(body, sent); return; }
          say("Not saved: " + body.error + " Your text is still here.", "error");
        });
      }).catch(function () {
        say("Not saved: the server cannot be reached. Your text is kept in this browser and " +
            "is saved when you type again or press Save.", "error");
      }).then(function () {
        saving = false;
        if (submitting) { form.submit(); return; }
        if (again) { again = false; save(); }
      });
    }

    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);
      if (saving) { event.preventDefault(); submitting = true; }
    });
    form.addEventListener("input", function () {
      keep();
      say("Not saved yet\u2026", "pending");
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY);
    });
    restore();
  }

  document.querySelectorAll("form[data-autosave]").forEach(attach);
}());
