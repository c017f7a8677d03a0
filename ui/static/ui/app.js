/* Taskapp's own behaviour on top of htmx: theme toggle, keyboard shortcuts, Escape to
   cancel, the Undo notice's timer, focus after htmx swaps, copy-to-clipboard, a notice
   when a request fails; and the feel on slow networks: the add box never loses typing,
   every request shows a busy state at once (aria-busy), nothing is submitted twice.
   No inline scripts anywhere (the CSP forbids them); everything works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  var NOTICE_MS = 8000;
  var noticeTimer = null;
  var lastControl = null;  // selector of the row control to refocus after a row swap
  var FOCUS_ADD_KEY = "taskapp-focus-add";  // set by log-in/sign-up: focus the add box next
  var pendingTitles = [];  // titles taken from the add box, in order, not yet sent
  var sendingTitle = null;  // the title of the create request in flight
  var typedMeanwhile = "";  // what the add box held when a 422 answer replaced it
  var focusAfter = null;  // what to focus after the next swap: "list" or a task id

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

  /* Every submit, before htmx sees it (capture phase).
     The add box: take the title now and clear the box, so typing goes on while the
     request runs (hx-sync queues each Enter; configRequest sends the title taken here).
     Anything else: one request at a time per row or form (no double submit), marked
     busy at once; a form with data-confirm asks first. */
  function onSubmit(event) {
    var form = event.target;
    var button = event.submitter;
    if (heldUntilProcessed(event, form, function () { form.requestSubmit(button || undefined); })) { return; }
    if (form.matches("[data-create]") && window.htmx) {
      var input = $("#new-task", form);
      var busy = form.getAttribute("aria-busy") === "true" || pendingTitles.length > 0;
      if (!input.value.trim() && busy) { stop(event); return; }  // Enter on an empty box while adding
      pendingTitles.push(input.value);
      input.value = "";
      updateCounter(input);
      return;
    }
    if (form.getAttribute("method") === "dialog") { return; }  // closes a dialog, sends nothing
    var item = button && button.closest(".tasks > li");
    var owner = item || form;
    if (owner.getAttribute("aria-busy") === "true") { stop(event); return; }
    if (form.hasAttribute("data-confirm") && !confirmed(form)) { stop(event); return; }
    setBusy(owner, true);
    if (button) { setBusy(button, true); }
    if (item) {
      lastControl = button.getAttribute("role") === "checkbox" ? "[role=checkbox]" : null;
      if (form.hasAttribute("hx-post")) { showAtOnce(item, button); }
    }
    if (!form.hasAttribute("hx-post")) {
      // A plain form navigates; if the browser stays (download, back), let it submit again.
      window.addEventListener("pageshow", function () { setBusy(owner, false); if (button) { setBusy(button, false); } }, { once: true });
    }
  }

  /* Optimistic Done and Delete: the row changes at once; the answer replaces it (or
     removes it), a failure puts it back as it was (and the notice says why). */
  var reverts = new WeakMap();  // row -> how to put it back
  function showAtOnce(item, button) {
    if (button.getAttribute("role") === "checkbox") {
      var done = button.name === "done";
      var wasDone = item.classList.contains("is-done");
      button.setAttribute("aria-checked", String(done));
      item.classList.toggle("is-done", done);
      reverts.set(item, function () {
        button.setAttribute("aria-checked", String(!done));
        item.classList.toggle("is-done", wasDone);
      });
    } else if (button.name === "trash") {
      item.hidden = true;
      reverts.set(item, function () { item.hidden = false; focus(button); });
    }
  }

  function revertIfFailed(detail, status) {
    var trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    var item = trigger && trigger.submitter && trigger.submitter.closest(".tasks > li");
    var revert = item && reverts.get(item);
    if (!revert) { return; }
    reverts.delete(item);
    if (status < 200 || status >= 300) { revert(); }  // no answer, an error, 409 (changed elsewhere)
  }

  /* htmx wires up swapped-in content when it settles (20 ms later): a fast click in
     between would submit the form or follow the link as a plain page load. Hold such
     an action until htmx has wired the element up, then do it again. */
  var processed = new WeakSet();  // elements htmx has wired up (htmx:afterProcessNode)
  var HX = "[hx-post], [hx-get], [hx-boost]";
  function heldUntilProcessed(event, el, redo) {
    var owner = window.htmx && el.closest(HX);
    if (!owner || processed.has(owner) || owner.closest("[hx-disable]")) { return false; }
    stop(event);
    var done = false;
    var again = function () {
      if (done) { return; }
      done = true;
      processed.add(owner);  // if htmx never takes it, it goes as a plain form or link
      redo();
    };
    owner.addEventListener("htmx:afterProcessNode", again, { once: true });
    setTimeout(again, window.htmx.config.defaultSettleDelay + 100);
    return true;
  }

  function stop(event) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  /* Revoking a token asks first; without JavaScript the view answers a page that asks. */
  function confirmed(form) {
    if (!window.confirm(form.getAttribute("data-confirm"))) { return false; }
    var field = $("input[name=confirm]", form) || document.createElement("input");
    field.type = "hidden";
    field.name = "confirm";
    field.value = "1";
    form.appendChild(field);
    return true;
  }

  function setBusy(el, on) {
    if (!el) { return; }
    if (on) { el.setAttribute("aria-busy", "true"); } else { el.removeAttribute("aria-busy"); }
  }

  /* What each request marked busy: an answer may change its target (a 422 retargets
     the add form's answer from the list to the form), and the list must not stay busy. */
  var busyByRequest = new WeakMap();

  /* Busy from the moment htmx sends: what the request changes (its target: list, row),
     the element that sent it (form, link) and, for links and buttons, the control.
     Cleared when that request ends (other requests may still be running). */
  function busyParts(detail) {
    var elt = detail.elt;
    var trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    var button = trigger && trigger.submitter;
    var item = button && button.closest(".tasks > li");
    var parts = [elt, button, item, item ? null : detail.target];  // a row's button: the row shows it
    if (elt.matches("[data-create]")) { parts.push($("button[type=submit]", elt)); }
    return parts;
  }

  function beforeRequest(event) {
    var elt = event.detail.elt;
    var parts = busyParts(event.detail);
    busyByRequest.set(event.detail.xhr, parts);
    parts.forEach(function (el) { setBusy(el, true); });
    if (elt.closest(".pager")) { focusAfter = "list"; }
    var undo = elt.closest("[data-undo]");
    if (undo) { focusAfter = undo.getAttribute("data-undo").replace(/-/g, ""); }
  }

  function clearBusy(detail) {
    // The add box stays busy while titles wait in its queue.
    if (detail.elt.matches("[data-create]") && pendingTitles.length) { return; }
    (busyByRequest.get(detail.xhr) || busyParts(detail)).forEach(function (el) { setBusy(el, false); });
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
    if (event.detail.elt.matches("[data-create]") && pendingTitles.length) {
      sendingTitle = pendingTitles.shift();
      event.detail.parameters.title = sendingTitle;
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
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    clearBusy(event.detail);
    revertIfFailed(event.detail, status);
    if (!elt.matches("[data-create]")) { return; }
    var title = sendingTitle;
    sendingTitle = null;
    var input = $("#new-task");
    if (!input) { return; }
    if (status >= 200 && status < 300) {
      clearFieldError(input);  // an earlier "This field is required." is history now
      // Back to typing, unless the user went on elsewhere meanwhile.
      var active = document.activeElement;
      if (active === document.body || (active && active.closest("[data-create]"))) { focus(input); }
    } else if (status !== 422 && title && !input.value) {
      input.value = title;  // no answer or a server error: the title is not lost
      updateCounter(input);
    }
  }

  function clearFieldError(input) {
    var error = input.getAttribute("aria-describedby") && $("#" + input.getAttribute("aria-describedby"));
    if (error && error.classList.contains("field-error")) { error.remove(); }
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }

  /* A 422 answer replaces the add form (the error next to the field): keep what was
     typed while it was on its way. */
  function beforeSwap(event) {
    var input = $("#new-task");
    typedMeanwhile = "";
    if (input && event.detail.xhr.status === 422 && event.detail.elt.matches("[data-create]")) {
      typedMeanwhile = input.value;
    }
  }

  function afterSettle(event) {
    var target = event.detail.target || event.detail.elt;
    if (target && !target.isConnected && target.tagName === "LI") {
      // An outerHTML swap replaced the row: continue with its successor.
      target = rowOf(taskIdOf(target));
    } else if (target && !target.isConnected && target.id) {
      target = document.getElementById(target.id);  // the list or the add form, replaced
    }
    if (focusAfter && afterPagerOrUndo(target)) { return; }
    if (target && target.isConnected) { setupCounters(target); }
    setupSelectAll();
    if (!target || !target.isConnected) {
      // A deleted row: keep the keyboard user close to where they were.
      if (document.activeElement === document.body) { focus($("#notice button")); }
      scheduleNotice();
      return;
    }
    if (target.matches("#create-form") && typedMeanwhile) {
      $("#new-task").value = typedMeanwhile;
      typedMeanwhile = "";
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

  /* After Next/Previous: the top of the new page of the list, not where Next was.
     After Undo: the restored task. */
  function afterPagerOrUndo(target) {
    var wanted = focusAfter;
    focusAfter = null;
    var list = $("#task-list");
    if (wanted === "list" && list) {
      list.scrollIntoView({ block: "start" });
      list.focus({ preventScroll: true });
    } else if (wanted !== "list") {
      var item = rowOf(wanted);
      if (!item) { return false; }
      focus($("[role=checkbox]", item));
    }
    scheduleNotice();
    return true;
  }

  /* The title's limit is 200 characters: say how many are left when close to it. */
  var COUNTER_FROM = 20;
  function updateCounter(input) {
    if (!input || !input.maxLength || input.maxLength < 0) { return; }
    var left = input.maxLength - input.value.length;
    var counter = document.getElementById(input.id + "-counter");
    if (left > COUNTER_FROM) {
      if (counter) { counter.hidden = true; }
      return;
    }
    if (!counter) {
      counter = document.createElement("small");
      counter.id = input.id + "-counter";
      counter.className = "counter";
      counter.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", counter);
      var next = counter.nextElementSibling;
      if (next && next.tagName === "BUTTON") { next.insertAdjacentElement("afterend", counter); }
    }
    counter.hidden = false;
    counter.classList.toggle("is-over", left <= 0);
    counter.textContent = (document.body.getAttribute("data-left") || "{n}").replace("{n}", String(left));
  }

  function setupCounters(scope) {
    (scope || document).querySelectorAll("input[name=title][maxlength]").forEach(updateCounter);
  }

  /* "Select all" ticks every row's Select box (the bulk form's); JavaScript only. */
  function setupSelectAll() {
    var box = $("[data-select-all]");
    if (!box) { return; }
    box.closest("label").hidden = false;
    var rows = function () { return document.querySelectorAll(".tasks > li > [name=ids]"); };
    var sync = function () {
      var all = Array.prototype.slice.call(rows());
      var ticked = all.filter(function (b) { return b.checked; }).length;
      box.checked = all.length > 0 && ticked === all.length;
      box.indeterminate = ticked > 0 && ticked < all.length;
    };
    if (!box.hasAttribute("data-ready")) {
      box.setAttribute("data-ready", "");
      box.addEventListener("change", function () {
        rows().forEach(function (b) { b.checked = box.checked; });
      });
    }
    sync();
  }

  function onChange(event) {
    if (event.target.matches(".tasks > li > [name=ids]")) { setupSelectAll(); }
  }

  /* The filters fold behind "Filters" on phones; wide screens have room. */
  function setupFilters() {
    var more = $("[data-filters]");
    if (more && window.matchMedia && window.matchMedia("(min-width: 40rem)").matches) { more.open = true; }
  }

  /* The lists sidebar folds into a menu on phones (it is open without JavaScript). */
  function setupListMenu() {
    var menu = $("[data-list-menu]");
    if (menu && window.matchMedia && !window.matchMedia("(min-width: 40rem)").matches) { menu.open = false; }
  }

  /* After log-in or sign-up, the add box has the focus (the next thing to do). */
  function setupFocusAfterLogin() {
    var wanted = false;
    try {
      wanted = sessionStorage.getItem(FOCUS_ADD_KEY) === "1";
      sessionStorage.removeItem(FOCUS_ADD_KEY);
    } catch (e) { /* storage blocked */ }
    document.querySelectorAll("[data-focus-add-next]").forEach(function (form) {
      form.addEventListener("submit", function () {
        try { sessionStorage.setItem(FOCUS_ADD_KEY, "1"); } catch (e) { /* storage blocked */ }
      });
    });
    var input = $("#new-task");
    if (wanted && input) {
      focus(input);
      input.setSelectionRange(input.value.length, input.value.length);
    }
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

  // Sign-up sends the browser's time zone (due times and reminders are read in it).
  function setupBrowserZone() {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    document.querySelectorAll("input[data-browser-zone]").forEach(function (el) { el.value = zone; });
  }

  function setup() {
    setupTheme();
    setupBrowserZone();
    setupMenu();
    setupCopy();
    // htmx (loaded first) has wired up the page itself already; later content reports in.
    document.querySelectorAll("[hx-post], [hx-get], [hx-boost]").forEach(function (el) { processed.add(el); });
    document.addEventListener("htmx:afterProcessNode", function (event) { processed.add(event.target); });
    document.addEventListener("submit", onSubmit, true);
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[hx-get], a[hx-boost]");
      if (link) { heldUntilProcessed(event, link, function () { link.click(); }); }
    }, true);
    document.addEventListener("change", onChange);
    document.addEventListener("input", function (event) {
      if (event.target.matches("input[name=title][maxlength]")) { updateCounter(event.target); }
    });
    setupFilters();
    setupListMenu();
    setupCounters();
    setupSelectAll();
    setupFocusAfterLogin();
    document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("[data-open-shortcuts]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", openShortcuts);
    });
    document.addEventListener("keydown", onKeydown);
    document.body.addEventListener("htmx:configRequest", onConfigRequest);
    document.body.addEventListener("htmx:beforeRequest", beforeRequest);
    document.body.addEventListener("htmx:afterRequest", afterRequest);
    document.body.addEventListener("htmx:beforeSwap", beforeSwap);
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
