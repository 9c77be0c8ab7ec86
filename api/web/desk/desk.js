/* Svar agent desk: plain JavaScript, no framework, nothing loaded from elsewhere.
 *
 * The agent key comes from the URL fragment (#key=...) or the sign-in form, is kept in sessionStorage and
 * sent as "Authorization: Bearer". Text from the server is put in the page with textContent only.
 * Every action on a suggestion is recorded as feedback: shown, inserted, edited (the final text),
 * sent (by the reply route, with the final text) and dismissed (with the reason).
 */
"use strict";

(function () {
  const KEY = "svar.desk.key";
  const $ = (id) => document.getElementById(id);
  const state = {
    key: null,
    queue: [],
    selected: null, // conversation id
    conversation: null,
    suggestions: [],
    inserted: null, // {id, text, index}
    clockOffset: 0, // server time minus this browser's time, in ms
    loadToken: 0,
  };

  // ---- helpers ------------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function say(text) {
    const status = $("status");
    status.textContent = text;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { status.textContent = ""; }, 4000);
  }

  async function api(method, path, body) {
    const headers = { Authorization: "Bearer " + state.key };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
    if (response.status === 401 || response.status === 403) {
      signOut(response.status === 401 ? "That key was not accepted; paste an agent key." :
        "That key may not use the desk; paste an agent key.");
      throw new Error("unauthorized");
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const message = (data.error && data.error.message) || response.statusText;
      throw new Error(message);
    }
    return data;
  }

  function feedback(suggestionId, action, extra) {
    return api("POST", "/v1/suggestions/" + encodeURIComponent(suggestionId) + "/feedback",
      Object.assign({ action }, extra || {})).catch((err) => say("Feedback not recorded: " + err.message));
  }

  function now() { return Date.now() + state.clockOffset; }

  function timeLeft(dueAt) {
    const seconds = Math.round((Date.parse(dueAt) - now()) / 1000);
    const abs = Math.abs(seconds);
    let text;
    if (abs < 60) text = abs + " s";
    else if (abs < 3600) text = Math.floor(abs / 60) + " min";
    else if (abs < 86400) text = Math.floor(abs / 3600) + " h " + Math.floor((abs % 3600) / 60) + " min";
    else text = Math.floor(abs / 86400) + " d " + Math.floor((abs % 86400) / 3600) + " h";
    const level = seconds < 0 ? "late" : seconds < 600 ? "soon" : "ok";
    return { text: seconds < 0 ? "overdue " + text : text + " left", level };
  }

  function stamp(iso) {
    const d = new Date(iso);
    const sameDay = new Date(now()).toDateString() === d.toDateString();
    const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return sameDay ? time : d.toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" }) + " " + time;
  }

  const ROLE = { customer: "Customer", agent: "Agent", bot: "Bot", note: "Note" };

  // ---- sign-in ------------------------------------------------------------------------------------
  function readKey() {
    const match = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
    if (match) {
      sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    return sessionStorage.getItem(KEY);
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    state.key = null;
    $("desk").hidden = true;
    $("sign-out").hidden = true;
    $("key-form-wrap").hidden = false;
    $("key-error").textContent = message || "";
    $("key-input").focus();
  }

  function start() {
    $("key-form-wrap").hidden = true;
    $("desk").hidden = false;
    $("sign-out").hidden = false;
    loadInbox(true);
  }

  // ---- inbox --------------------------------------------------------------------------------------
  async function loadInbox(openFirst) {
    let data;
    try {
      data = await api("GET", "/v1/desk/inbox");
    } catch (err) {
      if (err.message !== "unauthorized") say("The inbox could not be loaded: " + err.message);
      return;
    }
    state.clockOffset = Date.parse(data.now) - Date.now();
    state.queue = data.waiting;
    $("goals").textContent = "Answer within: " + data.goals.map((g) => g.channel + " " + g.goal).join(" · ");
    renderInbox();
    if ((openFirst || !state.selected) && state.queue.length && !state.selected) {
      select(state.queue[0].conversation);
    }
  }

  function renderInbox() {
    const list = $("inbox-list");
    list.replaceChildren();
    $("inbox-count").textContent = String(state.queue.length);
    $("inbox-empty").hidden = state.queue.length > 0;
    for (const item of state.queue) {
      const left = timeLeft(item.due_at);
      const name = item.customer_name || item.customer;
      const button = el("button", {
        type: "button",
        class: "inbox-item",
        "data-conversation": item.conversation,
        "aria-current": item.conversation === state.selected ? "true" : "false",
        "aria-label": name + ", " + item.channel + ", " + left.text + (item.handoff ? ", handed over by the widget" : ""),
        onclick: () => select(item.conversation),
      },
        el("div", { class: "item-top" },
          el("span", { class: "item-name", text: name }),
          el("span", { class: "due " + left.level, "data-due": item.due_at, text: left.text })),
        el("div", { class: "item-preview", text: item.subject ? item.subject + " — " + item.preview : item.preview }),
        el("div", { class: "item-bottom" },
          el("span", { class: "channel " + item.channel, text: item.channel }),
          item.handoff ? el("span", { class: "tag", text: "handoff" }) : null,
          item.waiting_messages > 1 ? el("span", { class: "meta", text: item.waiting_messages + " messages" }) : null));
      list.append(el("li", {}, button));
    }
  }

  function tick() {
    for (const node of document.querySelectorAll("[data-due]")) {
      const left = timeLeft(node.getAttribute("data-due"));
      node.textContent = left.text;
      node.className = node.className.replace(/\b(ok|soon|late)\b/, left.level);
    }
  }

  function move(step) {
    if (!state.queue.length) return;
    const at = state.queue.findIndex((w) => w.conversation === state.selected);
    const next = Math.min(state.queue.length - 1, Math.max(0, (at < 0 ? -step : at) + step));
    select(state.queue[next].conversation);
    const current = document.querySelector('.inbox-item[aria-current="true"]');
    if (current) current.scrollIntoView({ block: "nearest" });
  }

  // ---- one conversation ---------------------------------------------------------------------------
  async function select(conversation) {
    state.selected = conversation;
    state.inserted = null;
    state.suggestions = [];
    const token = ++state.loadToken;
    renderInbox();
    $("composer").value = "";
    $("composer-source").textContent = "";
    $("suggestion-list").replaceChildren();
    $("sug-empty").hidden = false;
    $("sug-empty").textContent = "Drafting suggestions…";
    $("sug-hint").textContent = "";
    const path = "/v1/desk/conversations/" + encodeURIComponent(conversation);
    try {
      const data = await api("GET", path);
      if (token !== state.loadToken) return;
      state.conversation = data;
      renderConversation(data);
    } catch (err) {
      if (err.message !== "unauthorized") say("The conversation could not be loaded: " + err.message);
      return;
    }
    if (!state.conversation.answer_to) {
      $("sug-empty").textContent = state.conversation.waiting
        ? "No customer message to answer yet: write to the customer yourself."
        : "Nobody waits for an answer here.";
      return;
    }
    try {
      const data = await api("POST", path + "/suggestions");
      if (token !== state.loadToken) return;
      state.suggestions = data.suggestions.map((s) => Object.assign(s, { dismissed: null }));
      renderSuggestions();
      for (const s of state.suggestions) feedback(s.id, "shown");
    } catch (err) {
      if (token !== state.loadToken || err.message === "unauthorized") return;
      $("sug-empty").textContent = "No suggestions: " + err.message;
    }
  }

  function renderConversation(data) {
    const name = data.customer_name || data.customer;
    $("conv-title").textContent = name;
    $("conv-meta").replaceChildren(
      el("span", { class: "channel " + data.channel, text: data.channel }), " ",
      data.subject ? data.subject + " · " : "",
      data.waiting ? "waiting since " + stamp(data.waiting.waiting_since) : data.status);
    $("conv-meta").title = "conversation " + data.conversation;
    const due = $("conv-due");
    if (data.waiting) {
      const left = timeLeft(data.waiting.due_at);
      due.hidden = false;
      due.setAttribute("data-due", data.waiting.due_at);
      due.className = "due-badge " + left.level;
      due.textContent = left.text;
    } else {
      due.hidden = true;
      due.removeAttribute("data-due");
    }
    $("handoff").hidden = !(data.waiting && data.waiting.handoff);
    $("handoff-summary").textContent = data.summary || "";
    $("composer-label").textContent = "Reply to " + name + " on " + data.channel;
    renderTimeline(data);
    renderCard(data);
  }

  function renderTimeline(data) {
    const list = $("timeline");
    list.replaceChildren();
    let lastConversation = null;
    for (const m of data.timeline) {
      if (m.conversation_id !== lastConversation) {
        const own = m.conversation_id === data.conversation;
        list.append(el("li", { class: "divider", "aria-hidden": "true",
          text: (own ? "This conversation" : "Earlier") + " · " + m.channel + " · " + stamp(m.at) }));
        lastConversation = m.conversation_id;
      }
      const other = m.conversation_id !== data.conversation;
      const waiting = !other && data.answer_to && m.role === "customer" && m.text === data.answer_to;
      list.append(el("li", { class: "msg " + m.role + (other ? " other" : "") + (waiting ? " waiting" : "") },
        el("div", { class: "bubble", text: m.text }),
        el("div", { class: "msg-meta" },
          el("span", { text: ROLE[m.role] || m.role }),
          el("span", { class: "channel " + m.channel, text: m.channel }),
          el("time", { datetime: m.at, text: stamp(m.at) }))));
    }
    list.scrollTop = list.scrollHeight;
  }

  function section(title, items) {
    if (!items.length) return [];
    return [el("h3", { text: title }), el("ul", {}, ...items.map((item) => el("li", {}, ...[].concat(item))))];
  }

  function renderCard(data) {
    const card = data.card;
    const sit = data.situation;
    const body = $("card-body");
    const orders = sit.orders.map((o) => [
      el("strong", { text: o.id }), " · " + (o.status || "?"),
      o.replacement ? " · free replacement" + (o.replacement_for ? " of " + o.replacement_for : "") : "",
      o.carrier || o.tracking ? el("div", { class: "source", text: [o.carrier, o.tracking].filter(Boolean).join(" ") }) : null,
      o.items.length ? el("div", { class: "source", text: o.items.join(", ") }) : null,
    ]);
    const refunds = sit.refunds.map((r) => [
      r.overdue ? el("span", { class: "state overdue", text: "overdue" }) : null,
      "order " + r.order_id + ": " + (r.amount !== null ? r.amount + " " + (r.currency || "") : "") +
        " " + (r.status || "") + (r.expected_by ? " · expected by " + r.expected_by : ""),
    ]);
    const promises = sit.promises.map((p) => [
      el("span", { class: "state " + p.state, text: p.state }), p.text,
      el("div", { class: "source", text: (p.due ? "due " + stamp(p.due) : "no time said") + (p.channel ? " · " + p.channel : "") }),
    ]);
    const appointments = sit.appointments.map((a) => [
      (a.subject || "appointment") + " · " + stamp(a.at) + (a.place ? " · " + a.place : ""),
      el("span", { class: "source", text: a.upcoming ? " upcoming" : " " + (a.status || "past") }),
    ]);
    const facts = card.facts.slice(0, 14).map((f) => [
      el("span", { class: "k", text: f.kind.replace(/_/g, " ") + ": " }), f.value,
      el("div", { class: "source", text: "from " + (f.source || "?") + (f.channel ? " · " + f.channel : "") + (f.at ? " · " + stamp(f.at) : "") }),
    ]);
    const identities = card.identities.map((i) => [el("span", { class: "k", text: i.kind + ": " }), i.display]);
    body.replaceChildren(
      el("p", { class: "card-name", text: card.name || card.external_id }),
      el("p", { class: "meta", text: "id " + card.external_id + (card.language ? " · language " + card.language : "") }),
      ...section("Identities", identities),
      ...section("Orders", orders),
      ...section("Refunds", refunds),
      ...section("Promised", promises),
      ...section("Tried", sit.tried),
      ...section("Appointments", appointments),
      ...section("Case numbers", sit.case_numbers),
      ...section("Known facts (with source)", facts));
  }

  // ---- suggestions --------------------------------------------------------------------------------
  function renderSuggestions() {
    const list = $("suggestion-list");
    list.replaceChildren();
    const live = state.suggestions.filter((s) => !s.dismissed);
    $("sug-empty").hidden = state.suggestions.length > 0;
    $("sug-empty").textContent = "No suggestions for this message.";
    const last = Math.min(3, state.suggestions.length);
    $("sug-hint").textContent = live.length ? "press " + (last > 1 ? "1–" + last : "1") + " to insert" : "";
    state.suggestions.forEach((s, index) => {
      const n = index + 1;
      const sources = s.citations.map((c) => c.url
        ? el("a", { href: c.url, target: "_blank", rel: "noopener noreferrer", text: c.title || c.id })
        : el("span", { text: c.title || c.id }));
      const facts = s.used_facts.map((f) => f.kind + ": " + f.value + (f.source ? " (" + f.source + ")" : ""));
      const changes = s.changes.filter((c) => c.guard === "repeat_ask" || c.fixed);
      const item = el("li", {
        class: "suggestion" + (state.inserted && state.inserted.id === s.id ? " inserted" : "") + (s.dismissed ? " dismissed" : ""),
        "data-suggestion": s.id,
        "aria-label": "Suggestion " + n,
      },
        el("div", { class: "sug-head" },
          el("span", { class: "sug-num", "aria-hidden": "true", text: String(n) }),
          el("span", { class: "sug-kind", text: s.abstain ? "holding reply" : s.kind }),
          el("span", { class: "sug-conf", text: "confidence " + Math.round(s.confidence * 100) + "%" })),
        el("div", { class: "sug-text", text: s.text }),
        sources.length ? el("div", { class: "sug-sources" }, "Sources: ", ...sources.flatMap((a, i) => i ? [", ", a] : [a])) : null,
        facts.length ? el("div", { class: "sug-sources", text: "Uses: " + facts.slice(0, 4).join("; ") }) : null,
        s.asks.length ? el("div", { class: "sug-sources", text: "Still asks: " + s.asks.join("; ") }) : null,
        ...changes.map((c) => el("div", { class: "sug-change", role: "note",
          text: (c.guard === "repeat_ask" ? "Changed: " : c.guard + ": ") + c.message })),
        s.dismissed
          ? el("p", { class: "dismissed-note", text: "Dismissed: " + s.dismissed })
          : el("div", { class: "sug-actions" },
            el("button", { type: "button", class: "primary", "aria-keyshortcuts": String(n), onclick: () => insert(index) },
              "Insert ", el("kbd", { text: String(n) })),
            el("button", { type: "button", class: "secondary", onclick: () => openDismiss(index, item) }, "Dismiss")));
      list.append(item);
    });
  }

  function insert(index) {
    const s = state.suggestions[index];
    if (!s || s.dismissed) return;
    state.inserted = { id: s.id, text: s.text, index };
    const composer = $("composer");
    composer.value = s.text;
    $("composer-source").textContent = "From suggestion " + (index + 1) + " — edit it before you send";
    renderSuggestions();
    composer.focus();
    composer.setSelectionRange(composer.value.length, composer.value.length);
    feedback(s.id, "inserted");
    say("Suggestion " + (index + 1) + " inserted");
  }

  const REASONS = ["wrong or outdated facts", "does not answer the question", "asks for something we know",
    "wrong tone or language", "other"];

  function openDismiss(index, item) {
    if (item.querySelector(".dismiss-form")) return;
    const id = "dismiss-reason-" + index;
    const noteId = "dismiss-note-" + index;
    const select = el("select", { id }, ...REASONS.map((r) => el("option", { value: r, text: r })));
    const note = el("input", { id: noteId, type: "text", placeholder: "optional note" });
    const form = el("form", { class: "dismiss-form", "aria-label": "Dismiss suggestion " + (index + 1) },
      el("label", { for: id, text: "Why dismiss it?" }), select,
      el("label", { for: noteId, text: "Note" }), note,
      el("div", { class: "sug-actions" },
        el("button", { type: "submit", class: "secondary" }, "Dismiss suggestion"),
        el("button", { type: "button", class: "link secondary", onclick: () => form.remove() }, "Cancel")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const reason = select.value + (note.value.trim() ? ": " + note.value.trim() : "");
      dismiss(index, reason);
    });
    item.append(form);
    select.focus();
  }

  async function dismiss(index, reason) {
    const s = state.suggestions[index];
    await feedback(s.id, "dismissed", { reason });
    s.dismissed = reason;
    if (state.inserted && state.inserted.id === s.id) state.inserted = null;
    renderSuggestions();
    say("Suggestion " + (index + 1) + " dismissed");
  }

  // ---- sending ------------------------------------------------------------------------------------
  async function send() {
    const conv = state.conversation;
    const text = $("composer").value.trim();
    if (!conv || !text) { say("Write a reply first"); return; }
    $("send").disabled = true;
    try {
      const from = state.inserted;
      if (from && text !== from.text.trim()) {
        await feedback(from.id, "edited", { final_text: text });
      }
      const sent = await api("POST", "/v1/desk/conversations/" + encodeURIComponent(conv.conversation) + "/reply",
        { text, suggestion_id: from ? from.id : null });
      say("Sent to " + (conv.customer_name || conv.customer));
      state.inserted = null;
      $("composer").value = "";
      $("composer").blur();
      const previous = state.selected;
      await loadInbox(false);
      if (!sent.waiting) {
        // the conversation is answered: stay on it (the sent reply shows in its timeline)
        state.selected = previous;
      }
      await refreshConversation(previous);
    } catch (err) {
      if (err.message !== "unauthorized") say("Not sent: " + err.message);
    } finally {
      $("send").disabled = false;
    }
  }

  async function refreshConversation(conversation) {
    try {
      const data = await api("GET", "/v1/desk/conversations/" + encodeURIComponent(conversation));
      state.conversation = data;
      renderConversation(data);
      renderInbox();
      $("composer-source").textContent = data.waiting ? "" : "Answered";
    } catch (err) {
      if (err.message !== "unauthorized") say(err.message);
    }
  }

  // ---- keyboard -----------------------------------------------------------------------------------
  function toggleHelp(show) {
    const help = $("help");
    help.hidden = show === undefined ? !help.hidden : !show;
    $("help-toggle").setAttribute("aria-expanded", String(!help.hidden));
  }

  function onKey(event) {
    if (state.key === null) return;
    const typing = /^(TEXTAREA|INPUT|SELECT)$/.test(event.target.tagName);
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
      return;
    }
    if (event.key === "Escape") {
      if (!$("help").hidden) toggleHelp(false);
      else if (typing) event.target.blur();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const keys = {
      j: () => move(1), ArrowDown: () => move(1),
      k: () => move(-1), ArrowUp: () => move(-1),
      1: () => insert(0), 2: () => insert(1), 3: () => insert(2),
      r: () => $("composer").focus(),
      "?": () => toggleHelp(),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  }

  // ---- start --------------------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", () => {
    document.addEventListener("keydown", onKey);
    $("composer-form").addEventListener("submit", (event) => { event.preventDefault(); send(); });
    $("help-toggle").addEventListener("click", () => toggleHelp());
    $("sign-out").addEventListener("click", () => signOut(""));
    $("key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const value = $("key-input").value.trim();
      if (!value) return;
      sessionStorage.setItem(KEY, value);
      state.key = value;
      $("key-input").value = "";
      start();
    });
    setInterval(tick, 1000);
    setInterval(() => { if (state.key) loadInbox(false); }, 15000);
    state.key = readKey();
    if (state.key) start();
    else signOut("");
  });
})();
