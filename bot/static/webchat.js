/* The helpline's own chat widget: Rasa's socketio protocol over socket.io-client.
 *
 * The session id lives in sessionStorage: it survives a reload of the tab but
 * not the closing of it, so a shared computer does not reopen someone's
 * conversation about treatment.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "helpline-chat-session";
  var REPLY_WAIT_MS = 30000;

  var log = document.getElementById("messages");
  var list = document.getElementById("message-list");
  var status = document.getElementById("status");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");

  var sessionId = readSession();
  var confirmed = false;
  var pending = [];
  // Sent but not answered yet: sent again, with the same id, if the connection drops first.
  var unanswered = [];
  var replyTimer = null;

  function readSession() {
    try {
      return window.sessionStorage.getItem(STORAGE_KEY);
    } catch (e) {
      return null;
    }
  }

  function saveSession(id) {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, id);
    } catch (e) {
      /* Private modes may refuse storage: the chat still works until a reload. */
    }
  }

  function setStatus(text) {
    if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  function authorLabel(author, staffName) {
    if (author === "visitor") {
      return "You";
    }
    if (author === "staff") {
      return staffName ? staffName + " (staff)" : "Staff member";
    }
    return "Assistant";
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function removeQuickReplies() {
    var groups = list.querySelectorAll(".quick-replies");
    for (var i = 0; i < groups.length; i++) {
      groups[i].parentNode.removeChild(groups[i]);
    }
  }

  function addMessage(author, text, staffName, quickReplies) {
    var item = document.createElement("li");
    item.className = "msg msg--" + (author === "system" ? "bot" : author);
    if (author === "staff") {
      item.setAttribute("data-staff-name", staffName || "");
    }

    var who = document.createElement("p");
    who.className = "msg__author";
    who.textContent = authorLabel(author, staffName);
    var colon = document.createElement("span");
    colon.className = "visually-hidden";
    colon.textContent = ": ";
    who.appendChild(colon);
    item.appendChild(who);

    if (text) {
      var body = document.createElement("p");
      body.className = "msg__text";
      body.textContent = text;
      item.appendChild(body);
    }

    if (quickReplies && quickReplies.length) {
      var group = document.createElement("div");
      group.className = "quick-replies";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested replies");
      quickReplies.forEach(function (qr) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = qr.title;
        button.addEventListener("click", function () {
          send(qr.title, qr.payload || qr.title);
          // The button is gone once chosen: keep the keyboard in the chat.
          input.focus();
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }

    list.appendChild(item);
    scrollToEnd();
  }

  function waitingForReply(on) {
    window.clearTimeout(replyTimer);
    if (on) {
      setStatus("The assistant is replying…");
      replyTimer = window.setTimeout(function () {
        setStatus("Connected");
      }, REPLY_WAIT_MS);
    } else if (confirmed) {
      setStatus("Connected");
    }
  }

  function newMessageId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function emitMessage(item) {
    // The id lets the gateway store a resent message once and answer it once.
    socket.emit("user_uttered", { message: item.payload, session_id: sessionId, message_id: item.id });
    item.sent = true;
    unanswered.push(item);
    waitingForReply(true);
  }

  function send(shown, payload) {
    removeQuickReplies();
    addMessage("visitor", shown);
    var item = { shown: shown, payload: payload, id: newMessageId() };
    if (confirmed && socket.connected) {
      emitMessage(item);
    } else {
      pending.push(item);
      setStatus("Not connected. Your message will be sent when the connection is back.");
    }
  }

  function flushPending() {
    while (pending.length) {
      emitMessage(pending.shift());
    }
  }

  function showHistory(messages) {
    // Re-rendering the whole log is not news: keep screen readers from
    // reading every earlier message again.
    log.setAttribute("aria-busy", "true");
    list.textContent = "";
    messages.forEach(function (m, i) {
      var last = i === messages.length - 1;
      addMessage(m.author, m.text, m.staff_name, last && !pending.length ? m.quick_replies : null);
    });
    // Typed while offline: not stored yet, sent right after the confirmation.
    var stored = messages.slice(-20).filter(function (m) { return m.author === "visitor"; }).map(function (m) { return m.text; });
    pending.forEach(function (p) {
      // Sent before the connection dropped and already kept: the history shows it.
      if (!(p.sent && (stored.indexOf(p.shown) !== -1 || stored.indexOf(p.payload) !== -1))) {
        addMessage("visitor", p.shown);
      }
    });
    log.setAttribute("aria-busy", "false");
  }

  // Quick exit (the button, or Esc): nothing of the chat left on screen or in storage, and the page replaced
  // so Back does not return to it.
  var EXIT_URL = "https://www.google.com/";
  function quickExit() {
    try {
      if (socket) {
        socket.disconnect();
      }
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      /* storage refused: nothing stored */
    }
    list.textContent = "";
    window.location.replace(EXIT_URL);
  }
  document.getElementById("quick-exit").addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !event.isComposing) {
      event.preventDefault();
      quickExit();
    }
  });

  var socket = null;

  if (typeof window.io !== "function") {
    setStatus("The chat could not load. Please call us instead, or in an emergency call 911.");
    input.disabled = true;
    document.getElementById("send").disabled = true;
    return;
  }

  socket = window.io({ path: "/socket.io/" });

  socket.on("connect", function () {
    setStatus("Connecting…");
    socket.emit("session_request", { session_id: sessionId, features: ["author_metadata"] });
  });

  socket.on("session_confirm", function (data) {
    var id = data && data.session_id ? data.session_id : data;
    if (id !== sessionId) {
      // A new conversation: nothing of an older one stays on screen.
      list.textContent = "";
      sessionId = id;
      saveSession(id);
    }
    confirmed = true;
    setStatus("Connected");
    flushPending();
  });

  socket.on("session_history", function (data) {
    if (data && data.session_id === sessionId && Array.isArray(data.messages)) {
      showHistory(data.messages);
    }
  });

  socket.on("bot_uttered", function (message) {
    if (!message || typeof message !== "object") {
      return;
    }
    var meta = message.metadata || {};
    var text = typeof message.text === "string" ? message.text : "";
    var quickReplies = message.quick_replies || message.buttons || null;
    if (!text && !quickReplies) {
      return; // custom payloads: nothing this page shows
    }
    waitingForReply(false);
    unanswered = [];
    addMessage(meta.author || "bot", text, meta.staff_name, quickReplies);
  });

  socket.on("disconnect", function () {
    // What the gateway may not have answered goes again once it is back, first.
    pending = unanswered.concat(pending);
    unanswered = [];
    confirmed = false;
    waitingForReply(false);
    setStatus("Connection lost. Reconnecting…");
  });

  socket.io.on("reconnect_failed", function () {
    setStatus("The chat is offline. Please reload the page, or call us. In an emergency call 911.");
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    input.value = "";
    send(text, text);
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
})();
