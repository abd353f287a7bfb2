// The staff console's live parts: the queue, the crisis alert (sound, browser
// notification, tab title), an open transcript, replies and notes sent without
// a reload, typing signals and keyboard shortcuts. Everything else is plain
// HTML forms, so the console still works if this script does not run.
(function () {
  "use strict";

  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var status = document.getElementById("live-status");
  var alertBox = document.getElementById("crisis-alert");
  var table = document.getElementById("queue");
  var empty = document.getElementById("queue-empty");
  var timelineBox = document.getElementById("timeline-box");
  var replyForm = document.getElementById("reply-form");
  var replyText = document.getElementById("reply-text");
  var noteForm = document.getElementById("note-form");
  var visitorTyping = document.getElementById("visitor-typing");
  var mineNav = document.getElementById("mine");
  var mineList = document.getElementById("mine-list");
  var here = timelineBox ? timelineBox.getAttribute("data-conversation") : null;
  var baseTitle = document.title;
  var retryMs = 1000;
  var socket = null;
  var lastQueue = [];
  var lastUnread = {};
  var firstUpdate = true;

  var PRIORITIES = ["crisis", "urgent", "normal"];
  var LABELS = {crisis: "Crisis", urgent: "Urgent", normal: "Waiting for a person"};
  var SETTINGS_KEY = "helpline.console.alerts";
  var ALERTED_KEY = "helpline.console.alerted";

  function say(text) {
    if (status) { status.textContent = text; }
  }

  // -- settings: per browser, all on unless turned off ------------------------------
  function settings() {
    var saved = {};
    try { saved = JSON.parse(window.localStorage.getItem(SETTINGS_KEY) || "{}") || {}; } catch (e) { saved = {}; }
    return {sound: saved.sound !== false, notify: saved.notify !== false, title: saved.title !== false};
  }

  function saveSetting(name, on) {
    var current = settings();
    current[name] = on;
    try { window.localStorage.setItem(SETTINGS_KEY, JSON.stringify(current)); } catch (e) { /* private mode */ }
  }

  function bindSettings() {
    var box = document.getElementById("alert-settings");
    if (!box) { return; }
    var current = settings();
    var note = document.getElementById("alert-settings-status");
    box.querySelectorAll("input[data-setting]").forEach(function (input) {
      var name = input.getAttribute("data-setting");
      input.checked = current[name];
      input.addEventListener("change", function () {
        saveSetting(name, input.checked);
        note.textContent = "Saved for this browser.";
      });
    });
    var permission = document.getElementById("notify-permission");
    function showPermission() {
      if (!("Notification" in window)) {
        note.textContent = "This browser cannot show notifications.";
        permission.hidden = true;
      } else if (Notification.permission === "granted") {
        permission.hidden = true;
      } else if (Notification.permission === "denied") {
        note.textContent = "Notifications are blocked for this site in the browser's settings.";
        permission.hidden = true;
      }
    }
    permission.addEventListener("click", function () {
      Notification.requestPermission().then(function (answer) {
        note.textContent = answer === "granted" ? "Notifications are on." : "Notifications were not allowed.";
        showPermission();
      });
    });
    showPermission();
    document.getElementById("alert-test").addEventListener("click", function () { chime(true); });
    var name = document.getElementById("display_name");
    var role = document.getElementById("role_line");
    var preview = document.getElementById("name-preview");
    function redraw() {
      var shown = name.value.trim() + (role.value.trim() ? ", " + role.value.trim() : "");
      preview.textContent = shown;
    }
    name.addEventListener("input", redraw);
    role.addEventListener("input", redraw);
  }

  // -- sound: browsers allow it only after the page has had a click or a key ----------
  var audio = null;
  function unlockAudio() {
    if (audio || !(window.AudioContext || window.webkitAudioContext)) { return; }
    audio = new (window.AudioContext || window.webkitAudioContext)();
  }
  document.addEventListener("pointerdown", unlockAudio, {once: true});
  document.addEventListener("keydown", unlockAudio, {once: true});

  function chime(evenIfOff) {
    if (!audio || (!evenIfOff && !settings().sound)) { return false; }
    if (audio.state === "suspended") { audio.resume(); }
    [0, 0.35].forEach(function (start) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = start ? 660 : 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + start + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + start);
      osc.stop(audio.currentTime + start + 0.32);
    });
    document.documentElement.setAttribute("data-chimed", String(Date.now()));
    return true;
  }

  // -- the crisis alert ------------------------------------------------------------
  var alertedHere = [];  // if storage is refused, this tab still alerts once per crisis
  function alerted() {
    try {
      return (JSON.parse(window.localStorage.getItem(ALERTED_KEY) || "[]") || []).concat(alertedHere);
    } catch (e) { return alertedHere; }
  }

  function remember(ids) {
    alertedHere = ids.slice(-200);
    try { window.localStorage.setItem(ALERTED_KEY, JSON.stringify(alertedHere)); } catch (e) { /* private mode */ }
  }

  function announce(fresh, count) {
    // Shared by every tab of this browser, so one crisis sounds once, not once per tab.
    var seen = alerted();
    var news = fresh.filter(function (item) { return seen.indexOf(item.handoff_id) === -1; });
    if (!news.length) { return; }
    remember(seen.concat(news.map(function (item) { return item.handoff_id; })));
    chime(false);
    if (settings().notify && "Notification" in window && Notification.permission === "granted") {
      // Never what the visitor wrote, nor who they are: a lock screen may show this.
      var n = new Notification("Crisis waiting for a person", {
        body: count === 1 ? "A visitor may be in danger. Open the console." : count + " visitors who may be in danger are waiting.",
        tag: "helpline-crisis",
        requireInteraction: true
      });
      var target = news[0].conversation_id;
      n.onclick = function () {
        window.focus();
        window.location.href = "/console/conversations/" + encodeURIComponent(target);
      };
    }
  }

  function drawAlert(queue) {
    var crises = queue.filter(function (item) { return item.priority === "crisis" && item.status === "open"; });
    crises.sort(function (a, b) { return Date.parse(b.created_at) - Date.parse(a.created_at); });
    if (!crises.length) {
      alertBox.hidden = true;
      alertBox.replaceChildren();
      document.title = baseTitle;
      return;
    }
    var newest = crises[0];
    var text = (crises.length === 1
      ? "Crisis: a visitor may be in danger and is waiting for a person"
      : "Crisis: " + crises.length + " visitors who may be in danger are waiting for a person") +
      ". Newest: " + newest.channel + ", " + newest.address + ", waiting " + minutesSince(newest.created_at) + ". ";
    var link = document.createElement("a");
    link.href = "/console/conversations/" + newest.conversation_id;
    link.textContent = crises.length === 1 ? "Open the conversation" : "Open the newest crisis";
    alertBox.replaceChildren(document.createTextNode(text), link);
    alertBox.hidden = false;
    document.title = settings().title ? "(" + crises.length + " CRISIS) " + baseTitle : baseTitle;
    announce(crises, crises.length);
  }

  // -- the queue -------------------------------------------------------------------
  function minutesSince(iso) {
    var ms = Date.now() - Date.parse(iso);
    var minutes = Math.max(0, Math.floor(ms / 60000));
    if (minutes < 1) { return "under a minute"; }
    if (minutes < 60) { return minutes + " min"; }
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function refreshWaits() {
    document.querySelectorAll("time[data-since]").forEach(function (el) {
      el.textContent = minutesSince(el.getAttribute("data-since"));
    });
  }

  function cell(row, label, text) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (text !== undefined) { td.textContent = text; }
    row.appendChild(td);
    return td;
  }

  function muted(parent, text) {
    parent.appendChild(document.createElement("br"));
    var span = document.createElement("span");
    span.className = "muted";
    span.textContent = text;
    parent.appendChild(span);
  }

  function shown(queue) {
    var show = table.getAttribute("data-show");
    var me = table.getAttribute("data-me");
    if (show === "mine") { return queue.filter(function (i) { return i.status === "claimed" && i.claimed_by === me; }); }
    if (show === "unclaimed") { return queue.filter(function (i) { return i.status === "open"; }); }
    return queue;
  }

  function overdue(item) {
    var minutes = Number(table.getAttribute("data-overdue-minutes"));
    return item.priority === "crisis" && item.status === "open" && Date.now() - Date.parse(item.created_at) >= minutes * 60000;
  }

  function row(item) {
    var tr = document.createElement("tr");
    tr.className = item.priority + (overdue(item) ? " overdue" : "");
    tr.setAttribute("data-handoff", item.handoff_id);
    tr.setAttribute("data-conversation", item.conversation_id);
    var badge = document.createElement("span");
    badge.className = "badge " + item.priority;
    badge.textContent = item.priority;
    var first = cell(tr, "Priority");
    first.appendChild(badge);
    if (overdue(item)) {
      var mark = document.createElement("strong");
      mark.className = "overdue-mark";
      mark.textContent = "overdue";
      first.appendChild(document.createTextNode(" "));
      first.appendChild(mark);
    }
    cell(tr, "Channel", item.channel);
    cell(tr, "Visitor", item.address);
    var why = cell(tr, "Why", item.reason);
    if (item.last_message) { muted(why, "\u201c" + item.last_message + "\u201d"); }
    if (item.callback) { muted(why, "asked for a call back"); }
    var since = document.createElement("time");
    since.setAttribute("datetime", item.created_at);
    since.setAttribute("data-since", item.created_at);
    cell(tr, "Waiting").appendChild(since);
    var action = cell(tr, "Action");
    if (item.status === "open") {
      var form = document.createElement("form");
      form.method = "post";
      form.action = "/console/handoffs/" + item.handoff_id + "/claim";
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = csrf;
      var button = document.createElement("button");
      button.type = "submit";
      button.textContent = "Claim";
      form.appendChild(token);
      form.appendChild(button);
      action.appendChild(form);
    } else {
      action.appendChild(document.createTextNode((item.claimed_by_name || "") + " \u00b7 "));
      var open = document.createElement("a");
      open.href = "/console/conversations/" + item.conversation_id;
      open.textContent = "Open";
      action.appendChild(open);
      var unread = lastUnread[item.conversation_id];
      if (unread) {
        var count = document.createElement("span");
        count.className = "unread";
        count.textContent = unread + " new";
        action.appendChild(document.createTextNode(" "));
        action.appendChild(count);
      }
    }
    return tr;
  }

  function drawQueue(queue) {
    if (!table) { return; }
    var rows = shown(queue);
    var fresh = document.createDocumentFragment();
    PRIORITIES.forEach(function (priority) {
      var items = rows.filter(function (i) { return i.priority === priority; });
      var body = document.createElement("tbody");
      body.className = "group " + priority;
      body.setAttribute("data-priority", priority);
      var head = document.createElement("tr");
      head.className = "group-head";
      var th = document.createElement("th");
      th.scope = "rowgroup";
      th.colSpan = 6;
      th.textContent = LABELS[priority] + " ";
      var count = document.createElement("span");
      count.className = "count";
      var waiting = items.filter(function (i) { return i.status === "open"; }).length;
      count.textContent = waiting + " waiting \u00b7 " + (items.length - waiting) + " in progress";
      th.appendChild(count);
      head.appendChild(th);
      body.appendChild(head);
      items.forEach(function (item) { body.appendChild(row(item)); });
      fresh.appendChild(body);
    });
    table.querySelectorAll("tbody").forEach(function (body) { body.remove(); });
    table.appendChild(fresh);
    if (empty) { empty.hidden = rows.length > 0; }
    refreshWaits();
  }

  // -- what I hold, with unread counts -----------------------------------------------
  function mine(queue) {
    var me = document.body.getAttribute("data-me");
    var held = queue.filter(function (i) { return i.status === "claimed" && i.claimed_by === me; });
    held.sort(function (a, b) { return (lastUnread[b.conversation_id] || 0) - (lastUnread[a.conversation_id] || 0); });
    return held;
  }

  function drawMine(queue) {
    if (!mineNav) { return; }
    var held = mine(queue);
    var items = document.createDocumentFragment();
    held.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/console/conversations/" + item.conversation_id;
      var unread = lastUnread[item.conversation_id] || 0;
      a.textContent = item.address + (unread ? " (" + unread + " new)" : "");
      if (item.conversation_id === here) { a.setAttribute("aria-current", "page"); }
      if (unread) { a.className = "has-unread"; }
      li.appendChild(a);
      items.appendChild(li);
    });
    mineList.replaceChildren(items);
    mineNav.hidden = held.length === 0;
  }

  // -- an open transcript ------------------------------------------------------------
  function nearBottom() {
    return timelineBox.scrollHeight - timelineBox.scrollTop - timelineBox.clientHeight < 80;
  }

  function toBottom() {
    if (timelineBox) { timelineBox.scrollTop = timelineBox.scrollHeight; }
  }

  function redrawTimeline() {
    if (!timelineBox) { return; }
    var stick = nearBottom();
    fetch("/console/conversations/" + encodeURIComponent(here) + "/timeline", {credentials: "same-origin"})
      .then(function (resp) { return resp.ok ? resp.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("timeline");
        var current = document.getElementById("timeline");
        if (fresh && current) { current.replaceWith(document.importNode(fresh, true)); }
        if (stick) { toBottom(); }
      })
      .catch(function () { /* the next update tries again */ });
  }

  // -- sending without a reload ----------------------------------------------------------
  function sendForm(form, statusId, done) {
    var out = document.getElementById(statusId);
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRF-Token": csrf},
      body: new URLSearchParams(new FormData(form))
    })
      .then(function (resp) {
        return resp.json().catch(function () { return {kind: "error", message: "Not sent: the console did not answer. Try again."}; });
      })
      .then(function (answer) {
        out.textContent = answer.message;
        out.className = "reply-status " + answer.kind;
        if (answer.kind !== "error") { done(); }
      })
      .catch(function () {
        out.textContent = "Not sent: the connection dropped. Your words are still in the box; try again.";
        out.className = "reply-status error";
      })
      .then(function () { button.disabled = false; });
  }

  var typingSent = false;
  var typingTimer = null;
  function typing(on) {
    if (!socket || socket.readyState !== 1 || !replyForm || typingSent === on) { return; }
    typingSent = on;
    socket.send(JSON.stringify({type: "typing", conversation_id: here, typing: on}));
  }

  function bindReply() {
    if (replyForm) {
      replyForm.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!replyText.value.trim()) { return; }
        sendForm(replyForm, "reply-status", function () {
          replyText.value = "";
          typing(false);
          redrawTimeline();
          replyText.focus();
        });
      });
      replyText.addEventListener("input", function () {
        typing(replyText.value.length > 0);
        window.clearTimeout(typingTimer);
        typingTimer = window.setTimeout(function () { typing(false); }, 5000);
      });
      var canned = document.getElementById("canned");
      if (canned) {
        canned.addEventListener("change", function () {
          if (!canned.value) { return; }
          replyText.value = replyText.value ? replyText.value.replace(/\s*$/, " ") + canned.value : canned.value;
          canned.value = "";
          replyText.focus();
        });
      }
    }
    if (noteForm) {
      noteForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var text = document.getElementById("note-text");
        if (!text.value.trim()) { return; }
        sendForm(noteForm, "note-status", function () { text.value = ""; redrawTimeline(); });
      });
    }
    document.querySelectorAll("textarea").forEach(function (box) {
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && box.form) {
          event.preventDefault();
          box.form.requestSubmit();
        } else if (event.key === "Escape") {
          box.blur();  // so the letter shortcuts work again
        }
      });
    });
  }

  var visitorTypingTimer = null;
  function showTyping(event) {
    if (!visitorTyping || event.conversation_id !== here || event.who !== "visitor") { return; }
    visitorTyping.hidden = !event.typing;
    window.clearTimeout(visitorTypingTimer);
    if (event.typing) {
      // A page that closed mid-word never says it stopped.
      visitorTypingTimer = window.setTimeout(function () { visitorTyping.hidden = true; }, 8000);
    }
  }

  // -- keyboard shortcuts (not while typing in a box) -----------------------------------------
  function typingInField(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) { return; }
    var claimNext = document.getElementById("claim-next");
    if (event.key === "c" && claimNext) {
      event.preventDefault();
      claimNext.requestSubmit();
    } else if (event.key === "n") {
      var held = mine(lastQueue).filter(function (i) { return i.conversation_id !== here; });
      if (held.length) {
        event.preventDefault();
        window.location.href = "/console/conversations/" + encodeURIComponent(held[0].conversation_id) + "#reply";
      }
    } else if (event.key === "q") {
      event.preventDefault();
      window.location.href = "/console";
    } else if (event.key === "r" && replyText) {
      event.preventDefault();
      replyText.focus();
    }
  });

  // -- the feed ------------------------------------------------------------------------
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + window.location.host + "/console/live");
    socket = ws;
    ws.onopen = function () { retryMs = 1000; say("Live: this page updates by itself."); };
    ws.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "typing") { showTyping(data); return; }
      if (data.type !== "update") { return; }
      lastQueue = data.queue;
      lastUnread = data.unread || {};
      drawQueue(data.queue);
      drawAlert(data.queue);
      drawMine(data.queue);
      if (here && !firstUpdate && (data.changed_conversations || []).indexOf(here) !== -1) { redrawTimeline(); }
      firstUpdate = false;
    };
    ws.onclose = function () {
      socket = null;
      typingSent = false;
      say("Reconnecting for live updates… (reload the page if this stays)");
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 15000);
    };
  }

  bindSettings();
  bindReply();
  toBottom();
  if (replyText && window.location.hash === "#reply") { replyText.focus(); }
  refreshWaits();
  window.setInterval(refreshWaits, 15000);
  window.setInterval(function () { if (lastQueue.length) { drawQueue(lastQueue); drawAlert(lastQueue); } }, 30000);
  connect();
}());
