/* The helpline's chat widget for the program's own site (served inside /chat/widget.js, where `io` is
 * socket.io-client). It speaks Rasa's socketio protocol with the gateway across origins, in a shadow root so
 * the host page's styles and ours stay apart.
 *
 * Settings are data attributes on the script tag: data-color, data-position (right | left), data-greeting,
 * data-exit-url (where quick exit goes), data-mount (a selector; default #helpline-chat, if the page has it:
 * the chat is then drawn inside that element, always open, instead of behind a launcher button).
 *
 * Only the session id is kept, in sessionStorage (a reload continues, closing the tab forgets). Quick exit
 * and "delete" remove it and everything on screen.
 */
(function (script) {
  "use strict";

  var STORAGE_KEY = "helpline-chat-session";
  var OPEN_KEY = "helpline-chat-open";
  var REPLY_WAIT_MS = 30000;
  var DELETE_WAIT_MS = 10000;
  var DEFAULT_EXIT = "https://www.google.com/";
  var HOST_ATTR = "data-helpline-chat";

  if (!script || !script.src || document.querySelector("[" + HOST_ATTR + "]")) {
    return; // pasted twice, or not loaded from a script tag
  }
  var gateway = new URL(script.src, window.location.href).origin;
  var options = script.dataset || {};
  var exitUrl = safeUrl(options.exitUrl) || DEFAULT_EXIT;
  var mountSelector = options.mount || "#helpline-chat";

  function safeUrl(value) {
    if (!value) {
      return null;
    }
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage refused (private modes): the chat still works until a reload
    }
  }

  function readStored(key) {
    var s = storage();
    try {
      return s ? s.getItem(key) : null;
    } catch (e) {
      return null;
    }
  }

  function store(key, value) {
    var s = storage();
    try {
      if (s) {
        s.setItem(key, value);
      }
    } catch (e) {
      /* full or refused: nothing to do */
    }
  }

  function forgetStored() {
    var s = storage();
    try {
      if (s) {
        s.removeItem(STORAGE_KEY);
        s.removeItem(OPEN_KEY);
      }
    } catch (e) {
      /* nothing stored */
    }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // 911, 988 and the program's number become links wherever they appear.
  var NUMBER = /\b(911|988|741741)\b|(\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4})/g;

  function numberLink(match, before) {
    if (match === "741741") {
      return el("a", { href: "sms:741741" }, match);
    }
    if (match === "988" && /\btext $/i.test(before) && !/\bcall or text $/i.test(before)) {
      return el("a", { href: "sms:988" }, match);
    }
    return el("a", { href: "tel:" + match.replace(/[^0-9+]/g, "") }, match);
  }

  function withLinks(node, text) {
    var last = 0;
    text.replace(NUMBER, function (match) {
      var at = arguments[arguments.length - 2];
      node.appendChild(document.createTextNode(text.slice(last, at)));
      node.appendChild(numberLink(match, text.slice(0, at)));
      last = at + match.length;
      return match;
    });
    node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  // A speech bubble drawn, not an emoji: not every device has the font.
  function bubbleIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "22");
    svg.setAttribute("height", "22");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  function start(settings, offline) {
    var mountPoint = document.querySelector(mountSelector);
    var inline = !!mountPoint;
    var host = el("div", {});
    host.setAttribute(HOST_ATTR, inline ? "inline" : "launcher");
    host.setAttribute("data-state", "closed");
    // Shown once our stylesheet is in, so the page never flashes unstyled controls.
    host.style.visibility = "hidden";
    if (options.color && /^#[0-9a-fA-F]{3,8}$/.test(options.color)) {
      host.style.setProperty("--hc-accent", options.color);
    }
    var root = host.attachShadow({ mode: "open" });
    var sheet = el("link", { rel: "stylesheet", href: gateway + "/chat/assets/widget.css" });
    var reveal = function () {
      host.style.visibility = "";
    };
    sheet.addEventListener("load", reveal);
    sheet.addEventListener("error", reveal);
    window.setTimeout(reveal, 4000);
    root.appendChild(sheet);

    var program = settings.program_name || "our program";
    var wrap = el("div", {
      class: "hc hc--" + (options.position === "left" ? "left" : "right") + (inline ? " hc--inline" : ""),
    });
    root.appendChild(wrap);

    // -- launcher (floating mode) -----------------------------------------------------------
    var launcher = null;
    if (!inline) {
      var dock = el("div", { class: "hc-dock" });
      launcher = el("button", { type: "button", class: "hc-launcher", "aria-expanded": "false" });
      launcher.appendChild(bubbleIcon());
      launcher.appendChild(el("span", {}, "Chat with us"));
      var dockLine = el("p", { class: "hc-dock__emergency" });
      dockLine.appendChild(document.createTextNode("In danger? "));
      dockLine.appendChild(el("a", { href: "tel:911" }, "911"));
      dockLine.appendChild(document.createTextNode(" · "));
      dockLine.appendChild(el("a", { href: "tel:988" }, "988"));
      dock.appendChild(dockLine);
      dock.appendChild(launcher);
      wrap.appendChild(dock);
    }

    // -- the panel --------------------------------------------------------------------------
    var panel = el("section", { class: "hc-panel", id: "hc-panel", "aria-labelledby": "hc-title" });
    if (launcher) {
      launcher.setAttribute("aria-controls", "hc-panel");
      panel.hidden = true;
    }
    var header = el("header", { class: "hc-header" });
    var title = el("h2", { id: "hc-title", class: "hc-title", tabindex: "-1" }, "Chat with " + program);
    var exitButton = el("button", { type: "button", class: "hc-exit", title: "Leave this site now (Esc)" });
    exitButton.appendChild(el("span", {}, "Quick exit"));
    var tools = el("div", { class: "hc-tools" });
    tools.appendChild(exitButton);
    var minimise = null;
    if (launcher) {
      minimise = el("button", { type: "button", class: "hc-minimise", "aria-label": "Minimise the chat" });
      minimise.appendChild(el("span", { "aria-hidden": "true" }, "\u2013"));
      tools.appendChild(minimise);
    }
    var heading = el("div", { class: "hc-heading" });
    heading.appendChild(title);
    // On a short screen this takes the title's place, so the notice stays in sight (aria-hidden: said below too).
    heading.appendChild(
      el("p", { class: "hc-heading__notice", "aria-hidden": "true" }, settings.notice || "Not for emergencies.")
    );
    header.appendChild(heading);
    header.appendChild(tools);
    panel.appendChild(header);

    var emergency = el("p", { class: "hc-emergency" });
    emergency.appendChild(el("span", { class: "hc-emergency__notice" }, (settings.notice || "Not for emergencies.") + " "));
    emergency.appendChild(document.createTextNode("In danger? Call "));
    emergency.appendChild(el("a", { href: "tel:911" }, "911"));
    emergency.appendChild(document.createTextNode(", call "));
    emergency.appendChild(el("a", { href: "tel:988" }, "988"));
    emergency.appendChild(document.createTextNode(" or text "));
    emergency.appendChild(el("a", { href: "sms:988" }, "988"));
    emergency.appendChild(document.createTextNode("."));
    panel.appendChild(emergency);

    var staffLine = el("p", { class: "hc-staff", hidden: "" });
    panel.appendChild(staffLine);

    var log = el("div", {
      class: "hc-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": "Conversation",
      tabindex: "0",
    });
    var list = el("ol", { class: "hc-list" });
    log.appendChild(list);
    panel.appendChild(log);

    var typing = el("p", { class: "hc-typing", role: "status", hidden: "" });
    panel.appendChild(typing);
    var status = el("p", { class: "hc-status", role: "status" });
    panel.appendChild(status);

    var form = el("form", { class: "hc-composer", novalidate: "" });
    form.appendChild(el("label", { for: "hc-message", class: "hc-visually-hidden" }, "Your message"));
    var row = el("div", { class: "hc-row" });
    var input = el("textarea", {
      id: "hc-message",
      name: "message",
      rows: "1",
      maxlength: "4000",
      autocomplete: "off",
      placeholder: "Type your message",
      "aria-describedby": "hc-hint",
    });
    var sendButton = el("button", { type: "submit", class: "hc-send" }, "Send");
    row.appendChild(input);
    row.appendChild(sendButton);
    form.appendChild(row);
    panel.appendChild(form);

    var footer = el("div", { class: "hc-footer" });
    var hint = el("p", { id: "hc-hint", class: "hc-hint" }, "Enter sends. Esc leaves this site at once.");
    var deleteButton = el("button", { type: "button", class: "hc-delete" }, "End and delete chat");
    footer.appendChild(hint);
    footer.appendChild(deleteButton);
    if (settings.phone) {
      var call = el("p", { class: "hc-call" });
      call.appendChild(document.createTextNode("Prefer to talk? Call "));
      call.appendChild(el("a", { href: "tel:" + (settings.phone_href || settings.phone) }, settings.phone));
      if (settings.phone_hours) {
        call.appendChild(document.createTextNode(" (" + settings.phone_hours + ")"));
      }
      call.appendChild(document.createTextNode("."));
      footer.appendChild(call);
    }
    panel.appendChild(footer);

    var confirmBox = el("div", {
      class: "hc-confirm",
      role: "alertdialog",
      "aria-labelledby": "hc-confirm-text",
      hidden: "",
    });
    confirmBox.appendChild(
      el(
        "p",
        { id: "hc-confirm-text", tabindex: "-1" },
        settings.delete_question || "End this chat and delete it?"
      )
    );
    var confirmRow = el("div", { class: "hc-row" });
    var confirmYes = el("button", { type: "button", class: "hc-confirm__yes" }, "Delete it");
    var confirmNo = el("button", { type: "button", class: "hc-confirm__no" }, "Keep chatting");
    confirmRow.appendChild(confirmYes);
    confirmRow.appendChild(confirmNo);
    confirmBox.appendChild(confirmRow);
    panel.appendChild(confirmBox);

    wrap.appendChild(panel);
    (mountPoint || document.body).appendChild(host);

    // -- state --------------------------------------------------------------------------------
    var socket = null;
    var sessionId = readStored(STORAGE_KEY);
    var confirmed = false;
    var pending = [];
    var replyTimer = null;
    var staffName = null;
    var greeted = false;
    var deleteTimer = null;

    function setState(state) {
      host.setAttribute("data-state", state);
    }

    function setStatus(text) {
      if (status.textContent !== text) {
        status.textContent = text;
      }
    }

    function authorLabel(author, name) {
      if (author === "visitor") {
        return "You";
      }
      if (author === "staff") {
        return name ? name + " (staff)" : "Staff member";
      }
      return "Assistant";
    }

    function scrollToEnd() {
      log.scrollTop = log.scrollHeight;
    }

    function showStaff(name) {
      if (!name) {
        return;
      }
      staffName = name;
      staffLine.textContent = "You're chatting with " + name + " from our team.";
      staffLine.hidden = false;
    }

    function removeChoices() {
      var groups = list.querySelectorAll(".hc-choices");
      for (var i = 0; i < groups.length; i++) {
        groups[i].parentNode.removeChild(groups[i]);
      }
    }

    function choices(label, items) {
      var group = el("div", { class: "hc-choices", role: "group", "aria-label": label });
      items.forEach(function (item) {
        var button = el("button", { type: "button" }, item.title);
        button.addEventListener("click", function () {
          send(item.title, item.payload || item.title);
          input.focus();
        });
        group.appendChild(button);
      });
      return group;
    }

    function addMessage(author, text, name, quickReplies, extraClass) {
      var item = el("li", { class: "hc-msg hc-msg--" + (author === "system" ? "bot" : author) });
      if (extraClass) {
        item.className += " " + extraClass;
      }
      var who = el("p", { class: "hc-msg__author" }, authorLabel(author, name));
      who.appendChild(el("span", { class: "hc-visually-hidden" }, ": "));
      item.appendChild(who);
      if (text) {
        item.appendChild(withLinks(el("p", { class: "hc-msg__text" }), text));
      }
      if (quickReplies && quickReplies.length) {
        item.appendChild(choices("Suggested replies", quickReplies));
      }
      list.appendChild(item);
      if (author === "staff") {
        showStaff(name);
      }
      scrollToEnd();
      return item;
    }

    function greet() {
      if (greeted || list.children.length) {
        return;
      }
      greeted = true;
      var suggestions = (settings.suggestions || []).map(function (q) {
        return { title: q, payload: q };
      });
      addMessage("bot", options.greeting || settings.greeting, null, suggestions, "hc-msg--greeting");
    }

    function showTyping(text) {
      typing.textContent = text || "";
      typing.hidden = !text;
    }

    function waitingForReply(on) {
      window.clearTimeout(replyTimer);
      if (on) {
        showTyping("The assistant is writing…");
        replyTimer = window.setTimeout(function () {
          showTyping(null);
        }, REPLY_WAIT_MS);
      } else {
        showTyping(null);
      }
    }

    function emitMessage(payload) {
      socket.emit("user_uttered", { message: payload, session_id: sessionId });
      waitingForReply(true);
    }

    function send(shown, payload) {
      removeChoices();
      addMessage("visitor", shown);
      if (socket && confirmed && socket.connected) {
        emitMessage(payload);
      } else {
        pending.push({ shown: shown, payload: payload });
        connect();
        if (socket && socket.active) {
          setStatus("Connecting… Your message will be sent in a moment.");
        }
      }
    }

    function flushPending() {
      while (pending.length) {
        emitMessage(pending.shift().payload);
      }
    }

    function showHistory(messages) {
      log.setAttribute("aria-busy", "true");
      list.textContent = "";
      messages.forEach(function (m, i) {
        var last = i === messages.length - 1;
        addMessage(m.author, m.text, m.staff_name, last && !pending.length ? m.quick_replies : null);
      });
      pending.forEach(function (p) {
        addMessage("visitor", p.shown);
      });
      log.setAttribute("aria-busy", "false");
    }

    function connect() {
      if (socket || offline) {
        return;
      }
      setStatus("Connecting…");
      setState("connecting");
      socket = io(gateway, { path: "/socket.io/", withCredentials: false });

      socket.on("connect", function () {
        socket.emit("session_request", { session_id: sessionId, features: ["author_metadata"] });
      });

      socket.on("session_confirm", function (data) {
        var id = data && data.session_id ? data.session_id : data;
        if (id !== sessionId) {
          // A new conversation: nothing of an older one stays, but the greeting does.
          if (sessionId) {
            list.textContent = "";
            greeted = false;
            greet();
          }
          sessionId = id;
          store(STORAGE_KEY, id);
        }
        confirmed = true;
        setStatus("");
        setState("connected");
        flushPending();
      });

      socket.on("session_history", function (data) {
        if (data && data.session_id === sessionId && Array.isArray(data.messages) && data.messages.length) {
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
          return; // custom payloads: nothing this widget shows
        }
        waitingForReply(false);
        addMessage(meta.author || "bot", text, meta.staff_name, quickReplies);
      });

      // A person writing a reply: {typing, staff_name?}.
      socket.on("staff_typing", function (data) {
        if (!data || typeof data !== "object") {
          return;
        }
        if (data.typing) {
          showTyping((data.staff_name || staffName || "Our team member") + " is writing…");
        } else {
          showTyping(null);
        }
      });

      socket.on("conversation_deleted", function (data) {
        var text = data && typeof data.text === "string" ? data.text : "Your conversation was deleted.";
        forgetAll();
        addMessage("system", text);
        confirmBox.hidden = true;
        title.focus();
      });

      socket.on("disconnect", function () {
        confirmed = false;
        waitingForReply(false);
        if (socket) {
          setStatus("Connection lost. Reconnecting…");
          setState("connecting");
        }
      });

      socket.io.on("reconnect_failed", function () {
        setStatus(settings.offline || "The chat is offline. In an emergency call 911, or call or text 988.");
        setState("offline");
      });
    }

    function hangUp() {
      if (socket) {
        var s = socket;
        socket = null;
        s.disconnect();
      }
      confirmed = false;
    }

    // After "delete": nothing of the conversation stays, here or in storage; a new message starts afresh.
    function forgetAll() {
      hangUp();
      forgetStored();
      window.clearTimeout(deleteTimer);
      sessionId = null;
      pending = [];
      staffName = null;
      staffLine.hidden = true;
      staffLine.textContent = "";
      list.textContent = "";
      waitingForReply(false);
      setStatus("");
      setState("closed");
    }

    function quickExit() {
      hangUp();
      forgetStored();
      list.textContent = "";
      if (host.parentNode) {
        host.parentNode.removeChild(host);
      }
      // replace: the page the visitor leaves is not left behind in the history for the back button.
      window.location.replace(exitUrl);
    }

    function open(focusTitle) {
      if (launcher) {
        panel.hidden = false;
        launcher.setAttribute("aria-expanded", "true");
        wrap.classList.add("hc--open");
        store(OPEN_KEY, "1");
      }
      greet();
      connect();
      fitToViewport();
      if (focusTitle) {
        title.focus();
      }
      scrollToEnd();
    }

    function close() {
      if (!launcher) {
        return;
      }
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      wrap.classList.remove("hc--open");
      store(OPEN_KEY, "0");
      launcher.focus();
    }

    function isOpen() {
      return inline || !panel.hidden;
    }

    // On a phone the keyboard takes part of the screen: keep the composer above it.
    function fitToViewport() {
      var vv = window.visualViewport;
      if (!vv) {
        return;
      }
      host.style.setProperty("--hc-vh", Math.round(vv.height) + "px");
      host.style.setProperty("--hc-top", Math.round(vv.offsetTop) + "px");
      scrollToEnd(); // the newest message stays in sight when the keyboard takes its share
    }
    if (window.visualViewport) {
      window.visualViewport.addEventListener("resize", fitToViewport);
      window.visualViewport.addEventListener("scroll", fitToViewport);
    }

    // -- events -------------------------------------------------------------------------------
    if (launcher) {
      launcher.addEventListener("click", function () {
        open(true);
      });
      minimise.addEventListener("click", close);
    }
    exitButton.addEventListener("click", quickExit);
    document.addEventListener(
      "keydown",
      function (event) {
        if (event.key === "Escape" && !event.isComposing && isOpen()) {
          event.preventDefault();
          quickExit();
        }
      },
      true
    );

    deleteButton.addEventListener("click", function () {
      confirmBox.hidden = false;
      confirmYes.focus();
    });
    confirmNo.addEventListener("click", function () {
      confirmBox.hidden = true;
      deleteButton.focus();
    });
    confirmYes.addEventListener("click", function () {
      if (socket && confirmed && sessionId) {
        socket.emit("delete_conversation");
        setStatus("Deleting…");
        // No answer from the gateway: this browser forgets anyway, and says what it could not do.
        deleteTimer = window.setTimeout(function () {
          forgetAll();
          addMessage("system", settings.delete_unconfirmed || "This chat was cleared from this browser.");
          confirmBox.hidden = true;
        }, DELETE_WAIT_MS);
      } else {
        // Nothing was sent yet, or we are offline: what this browser holds goes at once.
        forgetAll();
        addMessage("system", settings.cleared_here || "This chat was cleared from this browser.");
        confirmBox.hidden = true;
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) {
        input.focus();
        return;
      }
      input.value = "";
      tellTyping(false);
      send(text, text);
      input.focus();
    });

    // Staff see "the visitor is typing" (never the text); the gateway throttles repeats.
    var typingSaid = false;
    function tellTyping(typing) {
      if (socket && socket.connected && typing !== typingSaid) {
        typingSaid = typing;
        socket.emit("visitor_typing", { typing: typing });
      }
    }
    input.addEventListener("input", function () {
      tellTyping(input.value.trim().length > 0);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.dispatchEvent(new Event("submit", { cancelable: true }));
        }
      }
    });

    if (offline) {
      setStatus(settings.offline);
      setState("offline");
      input.disabled = true;
      sendButton.disabled = true;
    }
    // After a reload the chat is as the visitor left it: open, or minimised.
    var wasOpen = readStored(OPEN_KEY);
    if (inline || wasOpen === "1" || (sessionId && wasOpen !== "0")) {
      open(false);
    }
  }

  var fallback = {
    program_name: null,
    greeting: "Hi, I'm an automated assistant.",
    suggestions: [],
    notice: "Automated assistant, not for emergencies.",
    offline: "The chat is offline right now. In an emergency call 911, or call or text 988.",
  };

  function begin() {
    window
      .fetch(gateway + "/chat/widget/settings", { credentials: "omit", mode: "cors" })
      .then(function (response) {
        if (response.status === 403) {
          throw new Error("refused");
        }
        if (!response.ok) {
          return start(fallback, true);
        }
        return response.json().then(function (settings) {
          start(settings, false);
        });
      })
      .catch(function (error) {
        // A site not in WEB_CHAT_ORIGINS gets a CORS failure (no response to read): draw nothing.
        if (window.console) {
          window.console.warn(
            "Helpline chat: the gateway at " + gateway + " did not answer this site (" + window.location.origin +
              "). Is it listed in WEB_CHAT_ORIGINS?",
            error && error.message
          );
        }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", begin);
  } else {
    begin();
  }
})(document.currentScript);
