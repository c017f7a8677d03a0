/* Taskapp's own behaviour on top of htmx: theme toggle, keyboard shortcuts, Escape to
   cancel, the Undo notice's timer, focus after htmx swaps, copy-to-clipboard, a notice
   when a request fails.
   No inline scripts anywhere (the CSP forbids them); everything works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  var NOTICE_MS = 8000;
  var noticeTimer = null;
  var lastControl = null;  // selector of the row control to refocus after a row swap

  function $(selector, scope) { return (scope || document).querySelector(selector); }
  function focus(el) { if (el) { el.focus(); } }
  function isTyping(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  /* Theme: the <head> script already applied the stored or system theme. */
  function setupTheme() {
    var button = $("#theme-toggle");
    if (!button) { return; }
    var sync = function () {
      button.setAttribute("aria-pressed", String(root.getAttribute("data-theme") === "dark"));
    };
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("taskapp-theme", next); } catch (e) { /* storage blocked */ }
      sync();
    });
  }

  function openShortcuts() {
    var dialog = $("#shortcuts");
    if (dialog && !dialog.open) { dialog.showModal(); }
  }

  function onKeydown(event) {
    if (event.key === "Escape") {
      var cancel = event.target.closest && event.target.closest("[data-edit]");
      if (cancel) {
        event.preventDefault();
        $("[data-cancel]", cancel).click();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) { return; }
    if ($("#shortcuts") && $("#shortcuts").open) { return; }
    if (event.key === "n" && $("#new-task")) {
      event.preventDefault();
      focus($("#new-task"));
    } else if (event.key === "/" && $("#search")) {
      event.preventDefault();
      focus($("#search"));
    } else if (event.key === "?") {
      event.preventDefault();
      openShortcuts();
    }
  }

  /* The Undo notice goes away after a while, but not while someone is using it. */
  function scheduleNotice() {
    clearTimeout(noticeTimer);
    var region = $("#notice");
    if (!region || !$("[data-autohide]", region)) { return; }
    noticeTimer = setTimeout(function hide() {
      if (region.contains(document.activeElement) || region.matches(":hover")) {
        noticeTimer = setTimeout(hide, 2000);
        return;
      }
      region.innerHTML = "";
    }, NOTICE_MS);
  }

  /* Row buttons post the list's form (#bulk), so htmx marks the form, not the row:
     mark the row as in flight, and remember which control to refocus afterwards. */
  function onSubmit(event) {
    var button = event.submitter;
    var item = button && button.closest(".tasks > li");
    if (!item) { return; }
    item.classList.add("htmx-request");
    lastControl = button.getAttribute("role") === "checkbox" ? "[role=checkbox]" : null;
  }

  /* The rows' buttons belong to #bulk by their form attribute. htmx sends the pressed
     button's name and value only for buttons inside the form or with an explicit
     type=submit (left out of 50 rows to keep the page small), so add them here. */
  function onConfigRequest(event) {
    var trigger = event.detail.triggeringEvent;
    var button = trigger && trigger.submitter;
    if (button && button.name && button.form === event.detail.elt) {
      event.detail.parameters[button.name] = button.value;
    }
  }

  /* A row's task id: its Select box's value (the edit form's row carries data-task-id). */
  function taskIdOf(item) {
    var box = $("[name=ids]", item);
    return item.getAttribute("data-task-id") || (box && box.value);
  }

  function rowOf(id) {
    var box = document.querySelector('.tasks > li > [name=ids][value="' + id + '"]');
    return box ? box.parentNode : document.querySelector('li[data-task-id="' + id + '"]');
  }

  /* Phones: the header's menu (links, language) folds behind a button. */
  function setupMenu() {
    var button = $("#menu-toggle");
    var menu = $("#site-menu");
    if (!button || !menu) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    });
  }

  function afterRequest(event) {
    var elt = event.detail.elt;
    document.querySelectorAll(".tasks > li.htmx-request").forEach(function (item) {
      item.classList.remove("htmx-request");  // a failed request leaves the row in place
    });
    var ok = event.detail.xhr && event.detail.xhr.status < 300;
    if (ok && elt.isConnected && elt.matches("[data-create]")) {
      elt.reset();
      focus($("#new-task"));
    }
  }

  function afterSettle(event) {
    var target = event.detail.target || event.detail.elt;
    if (target && !target.isConnected && target.tagName === "LI") {
      // An outerHTML swap replaced the row: continue with its successor.
      target = rowOf(taskIdOf(target));
    }
    if (!target || !target.isConnected) {
      // A deleted row: keep the keyboard user close to where they were.
      if (document.activeElement === document.body) { focus($("#notice button")); }
      scheduleNotice();
      return;
    }
    var edit = target.matches("[data-edit]") ? target : $("[data-edit]", target);
    if (edit) {
      focus($("[aria-invalid=true]", edit) || $("input[name=title]", edit));
    } else if (target.matches("#create-form")) {
      focus($("#new-task"));
    } else if (target.matches(".tasks > li") && document.activeElement === document.body) {
      // Back to the control used before the swap (Done after a toggle), else Edit.
      focus((lastControl && $(lastControl, target)) || $("a[role=button]", target));
    }
    lastControl = null;
    scheduleNotice();
  }

  /* htmx drops 4xx/5xx answers (but 409/422, which carry a form or a message) and
     requests that get no answer: say so in the live region instead of doing nothing.
     The texts come translated from <body data-err/data-off>. */
  function showProblem(key) {
    var notice = $("#notice");  // the list's live region; other pages have #messages
    var region = notice || $("#messages");
    if (!region) { return; }
    var box = document.createElement("p");
    box.className = notice ? "notice" : "flash flash-error";
    box.setAttribute(notice ? "data-autohide" : "role", notice ? "" : "alert");
    box.textContent = document.body.getAttribute(key);
    region.replaceChildren(box);
    scheduleNotice();
  }

  function setupCopy() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = $(button.getAttribute("data-copy"));
        var text = source ? source.textContent.trim() : "";
        var done = function () {
          var label = button.textContent;
          button.textContent = button.getAttribute("data-copied") || label;
          setTimeout(function () { button.textContent = label; }, 2000);
        };
        if (navigator.clipboard) {
          navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
        } else {
          selectText(source);
        }
      });
    });
  }

  function selectText(el) {
    if (!el) { return; }
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function setup() {
    setupTheme();
    setupMenu();
    setupCopy();
    document.addEventListener("submit", onSubmit);
    document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("[data-open-shortcuts]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", openShortcuts);
    });
    document.addEventListener("keydown", onKeydown);
    document.body.addEventListener("htmx:configRequest", onConfigRequest);
    document.body.addEventListener("htmx:afterRequest", afterRequest);
    document.body.addEventListener("htmx:afterSettle", afterSettle);
    document.body.addEventListener("htmx:responseError", function () { showProblem("data-err"); });
    document.body.addEventListener("htmx:sendError", function () { showProblem("data-off"); });
    scheduleNotice();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
