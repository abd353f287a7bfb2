// The staff console's live parts: the queue, the crisis alert and an open
// transcript follow the server's feed without a reload. Everything else is
// plain HTML forms, so the console still works if this script does not run.
(function () {
  "use strict";

  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var status = document.getElementById("live-status");
  var alertBox = document.getElementById("crisis-alert");
  var rows = document.getElementById("queue-rows");
  var empty = document.getElementById("queue-empty");
  var timelineBox = document.getElementById("timeline-box");
  var retryMs = 1000;

  function say(text) {
    if (status) { status.textContent = text; }
  }

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

  function cell(row, text) {
    var td = document.createElement("td");
    if (text !== undefined) { td.textContent = text; }
    row.appendChild(td);
    return td;
  }

  function drawQueue(queue) {
    if (!rows) { return; }
    var fresh = document.createDocumentFragment();
    queue.forEach(function (item) {
      var tr = document.createElement("tr");
      tr.className = item.priority;
      tr.setAttribute("data-handoff", item.handoff_id);
      var badge = document.createElement("span");
      badge.className = "badge " + item.priority;
      badge.textContent = item.priority;
      cell(tr).appendChild(badge);
      cell(tr, item.channel);
      cell(tr, item.address);
      var why = cell(tr, item.reason);
      if (item.last_message) {
        why.appendChild(document.createElement("br"));
        var quote = document.createElement("span");
        quote.className = "muted";
        quote.textContent = "\u201c" + item.last_message + "\u201d";
        why.appendChild(quote);
      }
      if (item.callback) {
        why.appendChild(document.createElement("br"));
        var cb = document.createElement("span");
        cb.className = "muted";
        cb.textContent = "asked for a call back";
        why.appendChild(cb);
      }
      var since = document.createElement("time");
      since.setAttribute("datetime", item.created_at);
      since.setAttribute("data-since", item.created_at);
      cell(tr).appendChild(since);
      var action = cell(tr);
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
      }
      fresh.appendChild(tr);
    });
    rows.replaceChildren(fresh);
    if (empty) { empty.hidden = queue.length > 0; }
    refreshWaits();
  }

  function drawAlert(queue) {
    var crises = queue.filter(function (item) { return item.priority === "crisis" && item.status === "open"; });
    if (!crises.length) {
      alertBox.hidden = true;
      alertBox.replaceChildren();
      document.title = document.title.replace(/^\(CRISIS\) /, "");
      return;
    }
    var first = crises[0];
    var text = crises.length === 1
      ? "Crisis: a visitor may be in danger and is waiting for a person (" + first.channel + ", " + first.address + "). "
      : "Crisis: " + crises.length + " visitors who may be in danger are waiting for a person. ";
    var link = document.createElement("a");
    link.href = "/console/conversations/" + first.conversation_id;
    link.textContent = "Open the conversation";
    alertBox.replaceChildren(document.createTextNode(text), link);
    alertBox.hidden = false;
    if (document.title.indexOf("(CRISIS) ") !== 0) { document.title = "(CRISIS) " + document.title; }
  }

  function redrawTimeline(changed) {
    if (!timelineBox) { return; }
    var id = timelineBox.getAttribute("data-conversation");
    if (changed.indexOf(id) === -1) { return; }
    fetch("/console/conversations/" + encodeURIComponent(id) + "/timeline", {credentials: "same-origin"})
      .then(function (resp) { return resp.ok ? resp.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("timeline");
        var current = document.getElementById("timeline");
        if (fresh && current) { current.replaceWith(document.importNode(fresh, true)); }
      })
      .catch(function () { /* the next update tries again */ });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + window.location.host + "/console/live");
    ws.onopen = function () { retryMs = 1000; say("Live: this page updates by itself."); };
    ws.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type !== "update") { return; }
      drawQueue(data.queue);
      drawAlert(data.queue);
      redrawTimeline(data.changed_conversations || []);
    };
    ws.onclose = function () {
      say("Reconnecting for live updates… (reload the page if this stays)");
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 15000);
    };
  }

  refreshWaits();
  window.setInterval(refreshWaits, 15000);
  connect();
}());
