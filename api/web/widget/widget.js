/*
 * Svar's self-service widget: one <script> tag adds a chat button to any page.
 *
 *   <script src="https://HOST/widget.js" data-key="svar_..." async></script>
 *
 * Optional attributes: data-identity (a JWT your server signs for a logged-in customer), or
 * data-customer-id with data-signature (hex HMAC-SHA256 of the id); data-lang (else the page's <html lang>).
 *
 * Safety: everything the server sends is rendered as text nodes. A tiny renderer builds DOM nodes for an
 * allowlisted markdown subset only (bold, italic, lists, paragraphs, links to the workspace's allowed
 * domains); nothing is ever assigned to innerHTML. The widget lives in a shadow root with its own style sheet,
 * loaded from this server, so it needs no inline script or style.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.getAttribute("data-key")) {
    if (window.console) window.console.error("svar widget: the script tag needs data-key=\"<widget key>\"");
    return;
  }
  var BASE = new URL(script.getAttribute("data-api") || script.src, document.baseURI).origin;
  var KEY = script.getAttribute("data-key");
  var LANGS = ["nb", "nn", "sv", "da", "en"];
  var POLL_MS = 8000;
  var AUTO_REASON = "Handed over automatically: the assistant could not answer from the help center.";
  var ALIASES = { no: "nb", nob: "nb", nno: "nn", swe: "sv", dan: "da", eng: "en" };

  function pageLanguage() {
    var raw = (script.getAttribute("data-lang") || document.documentElement.lang || "").toLowerCase();
    var base = raw.split(/[-_]/)[0];
    base = ALIASES[base] || base;
    return LANGS.indexOf(base) >= 0 ? base : "en";
  }

  // ---- the markdown subset, built as DOM nodes ------------------------------------------------------------

  function hostOf(url) {
    try {
      var u = new URL(url);
      if (u.protocol !== "https:" && u.protocol !== "http:") return null;
      return u.hostname.toLowerCase().replace(/^www\./, "");
    } catch (e) {
      return null;
    }
  }

  function linkAllowed(url, domains) {
    var host = hostOf(url);
    if (!host) return false;
    for (var i = 0; i < domains.length; i++) {
      var d = String(domains[i]).toLowerCase().replace(/^www\./, "");
      if (host === d || host.slice(-(d.length + 1)) === "." + d) return true;
    }
    return false;
  }

  function anchor(href, label) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    a.target = "_blank";
    a.rel = "noopener noreferrer nofollow";
    return a;
  }

  // **bold**, *italic*, [label](url) and bare URLs; underscores are left alone (ids and URLs use them).
  var INLINE = /\*\*([^*\n]+)\*\*|\*([^*\s][^*\n]*)\*|\[([^\]\n]+)\]\(([^\s)]+)\)|(https?:\/\/[^\s<>()]*[^\s<>().,;:!?'"])/;

  function inline(parent, text, domains) {
    while (text) {
      var m = INLINE.exec(text);
      if (!m) {
        parent.appendChild(document.createTextNode(text));
        return;
      }
      if (m.index > 0) parent.appendChild(document.createTextNode(text.slice(0, m.index)));
      var node;
      if (m[1] !== undefined) {
        node = document.createElement("strong");
        inline(node, m[1], domains);
      } else if (m[2] !== undefined) {
        node = document.createElement("em");
        inline(node, m[2], domains);
      } else if (m[3] !== undefined) {
        // a link to a domain that is not allowed keeps its label as text and loses its target
        node = linkAllowed(m[4], domains) ? anchor(m[4], m[3]) : document.createTextNode(m[3]);
      } else {
        node = linkAllowed(m[5], domains) ? anchor(m[5], m[5]) : document.createTextNode(m[5]);
      }
      parent.appendChild(node);
      text = text.slice(m.index + m[0].length);
    }
  }

  /** The answer's text as a fragment: paragraphs, lists, bold, italic and allowed links; all else text. */
  function renderMarkdown(text, domains) {
    var frag = document.createDocumentFragment();
    var blocks = String(text).replace(/\r\n?/g, "\n").split(/\n{2,}/);
    blocks.forEach(function (block) {
      var lines = block.split("\n").filter(function (l) { return l.trim(); });
      if (!lines.length) return;
      var bullet = /^\s*[-*•]\s+/;
      var number = /^\s*\d+[.)]\s+/;
      var kind = lines.every(function (l) { return bullet.test(l); }) ? "ul"
        : lines.every(function (l) { return number.test(l); }) ? "ol" : null;
      if (kind) {
        var list = document.createElement(kind);
        lines.forEach(function (l) {
          var li = document.createElement("li");
          inline(li, l.replace(kind === "ul" ? bullet : number, ""), domains);
          list.appendChild(li);
        });
        frag.appendChild(list);
        return;
      }
      var p = document.createElement("p");
      lines.forEach(function (l, i) {
        if (i) p.appendChild(document.createElement("br"));
        inline(p, l, domains);
      });
      frag.appendChild(p);
    });
    return frag;
  }

  // ---- talking to the API ---------------------------------------------------------------------------------

  function api(path, body, token) {
    return fetch(BASE + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
      body: JSON.stringify(body || {}),
      credentials: "omit",
      mode: "cors",
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function apiGet(path, token) {
    return fetch(BASE + path, {
      headers: { Authorization: "Bearer " + token },
      credentials: "omit",
      mode: "cors",
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  /** POST and read server-sent events; calls onEvent(name, data) for each. */
  function stream(path, body, token, onEvent) {
    return fetch(BASE + path, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "text/event-stream",
        Authorization: "Bearer " + token,
      },
      body: JSON.stringify(body),
      credentials: "omit",
      mode: "cors",
    }).then(function (r) {
      if (!r.ok || !r.body) throw new Error("HTTP " + r.status);
      var reader = r.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function handle(block) {
        var name = "message";
        var data = [];
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) name = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
        });
        if (!data.length) return;
        var parsed;
        try { parsed = JSON.parse(data.join("\n")); } catch (e) { return; }
        onEvent(name, parsed);
      }
      function pump() {
        return reader.read().then(function (res) {
          if (res.done) {
            if (buffer.trim()) handle(buffer);
            return;
          }
          buffer += decoder.decode(res.value, { stream: true }).replace(/\r\n?/g, "\n");
          var cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            handle(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
          return pump();
        });
      }
      return pump();
    });
  }

  // ---- the widget -----------------------------------------------------------------------------------------

  function el(tag, cls, attrs) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function icon(name) {
    var NS = "http://www.w3.org/2000/svg";
    var paths = {
      chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
      close: "M6 6l12 12M18 6L6 18",
      send: "M3 11l18-8-8 18-2-8-8-2z",
      up: "M7 11v9H4v-9h3zm2 9h8.3a2 2 0 0 0 2-1.6l1.2-6A2 2 0 0 0 18.5 10H14l.8-4a1.8 1.8 0 0 0-3.3-1.3L9 10v10z",
      down: "M7 13V4H4v9h3zm2-9h8.3a2 2 0 0 1 2 1.6l1.2 6a2 2 0 0 1-2 2.4H14l.8 4a1.8 1.8 0 0 1-3.3 1.3L9 14V4z",
      person: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 8a8 8 0 0 1 16 0",
    };
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "icon icon-" + name);
    var p = document.createElementNS(NS, "path");
    p.setAttribute("d", paths[name]);
    svg.appendChild(p);
    return svg;
  }

  function Widget(texts, lang) {
    this.t = texts;
    this.lang = lang;
    this.token = null;
    this.domains = [];
    this.minutes = null;
    this.busy = false;
    this.handedOver = false;
    this.build();
  }

  Widget.prototype.build = function () {
    var t = this.t;
    var host = el("div", null, { id: "svar-widget", "data-svar-widget": "" });
    var root = host.attachShadow({ mode: "open" });
    var css = el("link", null, { rel: "stylesheet", href: BASE + "/widget.css" });
    root.appendChild(css);

    var launcher = el("button", "launcher", { type: "button", "aria-label": t.open, "aria-expanded": "false" });
    launcher.appendChild(icon("chat"));
    launcher.appendChild(el("span", "launcher-label")).textContent = t.title;

    var panel = el("div", "panel", {
      role: "dialog", "aria-modal": "true", "aria-label": t.dialog, lang: this.lang,
    });
    panel.hidden = true;
    var head = el("div", "head");
    var titles = el("div", "titles");
    titles.appendChild(el("h2", "title")).textContent = t.title;
    titles.appendChild(el("p", "subtitle")).textContent = t.subtitle;
    var close = el("button", "close", { type: "button", "aria-label": t.close });
    close.appendChild(icon("close"));
    head.appendChild(titles);
    head.appendChild(close);

    var log = el("div", "log", { role: "log", "aria-live": "off", tabindex: "0", "aria-label": t.dialog });
    var live = el("div", "sr-only", { "aria-live": "polite", "aria-atomic": "true" });

    var tools = el("div", "tools");
    var human = el("button", "human", { type: "button" });
    human.appendChild(icon("person"));
    human.appendChild(el("span")).textContent = t.human;
    tools.appendChild(human);

    var form = el("form", "composer");
    var label = el("label", "sr-only", { for: "svar-input" });
    label.textContent = t.input_label;
    var input = el("textarea", "input", { id: "svar-input", rows: "1", placeholder: t.placeholder, maxlength: "4000" });
    var send = el("button", "send", { type: "submit", "aria-label": t.send });
    send.appendChild(icon("send"));
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);

    panel.appendChild(head);
    panel.appendChild(log);
    panel.appendChild(tools);
    panel.appendChild(form);
    panel.appendChild(live);
    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(host);

    this.root = root;
    this.launcher = launcher;
    this.panel = panel;
    this.log = log;
    this.live = live;
    this.input = input;
    this.sendButton = send;
    this.human = human;

    var self = this;
    launcher.addEventListener("click", function () { self.toggle(); });
    close.addEventListener("click", function () { self.close(); });
    human.addEventListener("click", function () { self.handoff(null); });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      self.ask();
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        self.ask();
      }
    });
    panel.addEventListener("keydown", function (ev) { self.onKey(ev); });
    this.say("bot", null).appendChild(renderMarkdown(t.greeting, []));
  };

  Widget.prototype.focusables = function () {
    var list = this.panel.querySelectorAll("button:not([disabled]), textarea, a[href], [tabindex='0']");
    return Array.prototype.filter.call(list, function (e) { return e.offsetParent !== null || e.tagName === "A"; });
  };

  Widget.prototype.onKey = function (ev) {
    if (ev.key === "Escape") {
      ev.preventDefault();
      this.close();
      return;
    }
    if (ev.key !== "Tab") return;
    var items = this.focusables();
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    var active = this.root.activeElement;
    if (ev.shiftKey && (active === first || !this.panel.contains(active))) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && (active === last || !this.panel.contains(active))) {
      ev.preventDefault();
      first.focus();
    }
  };

  Widget.prototype.toggle = function () {
    if (this.panel.hidden) this.open();
    else this.close();
  };

  Widget.prototype.open = function () {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.classList.add("is-open");
    this.launcher.classList.remove("has-news");
    this.input.focus();
    if (!this.token && !this.starting) this.start().catch(function () {});  // the notice says it
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.classList.remove("is-open");
    this.launcher.focus();
  };

  Widget.prototype.start = function () {
    var self = this;
    var body = {};
    var identity = script.getAttribute("data-identity");
    var customer = script.getAttribute("data-customer-id");
    if (identity) body.token = identity;
    else if (customer) {
      body.customer_id = customer;
      body.signature = script.getAttribute("data-signature") || "";
    }
    this.starting = api("/v1/widget/sessions", body, KEY).then(function (s) {
      self.token = s.token;
      self.domains = s.link_domains || [];
      self.minutes = s.answer_minutes;
      return s;
    }).catch(function (e) {
      self.starting = null;
      self.notice(self.t.start_error, "error");
      throw e;
    });
    return this.starting;
  };

  Widget.prototype.say = function (role, text) {
    var row = el("div", "msg msg-" + role);
    var who = el("span", role === "agent" ? "who" : "sr-only");
    who.textContent = role === "agent" ? this.t.agent : (role === "user" ? this.t.you : this.t.bot) + ": ";
    var bubble = el("div", "bubble");
    bubble.appendChild(who);
    if (text !== null) bubble.appendChild(document.createTextNode(text));
    row.appendChild(bubble);
    this.log.appendChild(row);
    this.scroll();
    return bubble;
  };

  Widget.prototype.notice = function (text, kind) {
    var n = el("p", "notice" + (kind ? " notice-" + kind : ""), { role: kind === "error" ? "alert" : "status" });
    n.textContent = text;
    this.log.appendChild(n);
    this.scroll();
    return n;
  };

  Widget.prototype.scroll = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.sendButton.disabled = busy;
    this.panel.setAttribute("aria-busy", busy ? "true" : "false");
  };

  Widget.prototype.ask = function () {
    var text = this.input.value.trim();
    if (!text || this.busy) return;
    var self = this;
    this.input.value = "";
    this.say("user", text);
    this.setBusy(true);
    var bubble = this.say("bot", null);
    bubble.classList.add("is-streaming");
    var typing = el("span", "typing");
    typing.textContent = this.t.typing;
    bubble.appendChild(typing);
    var streamed = el("span", "streamed");
    bubble.appendChild(streamed);
    var final = null;
    var failed = false;
    (this.token ? Promise.resolve() : this.starting || this.start())
      .then(function () {
        return stream("/v1/widget/messages/stream", { text: text }, self.token, function (name, data) {
          if (name === "delta" && typeof data.text === "string") {
            if (typing.parentNode) typing.parentNode.removeChild(typing);
            streamed.appendChild(document.createTextNode(data.text));
            self.scroll();
          } else if (name === "answer") {
            final = data;
          } else if (name === "error") {
            failed = true;
          }
        });
      })
      .then(function () {
        if (!final || failed) throw new Error("no answer");
        self.finish(bubble, final);
      })
      .catch(function () {
        bubble.parentNode.parentNode.removeChild(bubble.parentNode);
        self.notice(self.t.error, "error");
      })
      .then(function () {
        self.setBusy(false);
      });
  };

  Widget.prototype.finish = function (bubble, answer) {
    var self = this;
    var t = this.t;
    bubble.classList.remove("is-streaming");
    while (bubble.childNodes.length > 1) bubble.removeChild(bubble.lastChild);
    var body = el("div", "answer", { lang: answer.language || this.lang });
    body.appendChild(renderMarkdown(answer.text, this.domains));
    bubble.appendChild(body);
    var sources = (answer.citations || []).filter(function (c) { return c.url && linkAllowed(c.url, self.domains); });
    if (sources.length) {
      var box = el("div", "sources");
      box.appendChild(el("p", "sources-title")).textContent = t.sources;
      var ul = el("ul");
      sources.forEach(function (c) {
        var li = el("li");
        li.appendChild(anchor(c.url, c.title || c.url));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      bubble.appendChild(box);
    }
    if (answer.id) bubble.parentNode.appendChild(this.rating(answer.id));
    this.live.textContent = t.bot + ": " + body.textContent;
    this.scroll();
    if (answer.abstain || answer.handoff_suggested) {
      this.notice(t.abstain, "info");
      if (!this.handedOver) this.handoff(AUTO_REASON);
    }
  };

  Widget.prototype.rating = function (id) {
    var self = this;
    var t = this.t;
    var bar = el("div", "rate", { role: "group", "aria-label": t.helpful + " / " + t.not_helpful });
    [["up", 5, t.helpful], ["down", 1, t.not_helpful]].forEach(function (spec) {
      var b = el("button", "thumb thumb-" + spec[0], { type: "button", "aria-label": spec[2], "aria-pressed": "false", title: spec[2] });
      b.appendChild(icon(spec[0]));
      b.addEventListener("click", function () {
        var buttons = bar.querySelectorAll("button");
        Array.prototype.forEach.call(buttons, function (x) { x.disabled = true; });
        b.setAttribute("aria-pressed", "true");
        api("/v1/widget/answers/" + encodeURIComponent(id) + "/rating", { rating: spec[1] }, self.token)
          .then(function () {
            var done = el("span", "rate-thanks", { role: "status" });
            done.textContent = t.thanks;
            bar.appendChild(done);
          })
          .catch(function () {
            Array.prototype.forEach.call(buttons, function (x) { x.disabled = false; });
            b.setAttribute("aria-pressed", "false");
            self.notice(t.error, "error");
          });
      });
      bar.appendChild(b);
    });
    return bar;
  };

  Widget.prototype.handoff = function (reason) {
    var self = this;
    var t = this.t;
    if (this.handingOver) return this.handingOver;
    var pending = this.notice(t.handing_over);
    this.human.disabled = true;
    this.handingOver = (this.token ? Promise.resolve() : this.starting || this.start())
      .then(function () { return api("/v1/widget/handoff", reason ? { reason: reason } : {}, self.token); })
      .then(function (out) {
        self.handedOver = true;
        pending.parentNode.removeChild(pending);
        var due = new Date(out.due_at);
        var time = new Intl.DateTimeFormat(self.lang, { hour: "2-digit", minute: "2-digit" }).format(due);
        // outside the opening hours: say when (the weekday and time of the next opening plus the goal)
        var text = out.opens_at
          ? t.handed_over_closed.replace("{when}", new Intl.DateTimeFormat(self.lang, {
            weekday: "long", hour: "2-digit", minute: "2-digit"
          }).format(due))
          : t.handed_over.replace("{minutes}", String(out.answer_minutes)).replace("{time}", time);
        var n = self.notice(text, "handoff");
        self.live.textContent = n.textContent;
        self.human.disabled = false;
        self.poll();
      })
      .catch(function () {
        pending.parentNode.removeChild(pending);
        self.human.disabled = false;
        self.notice(t.error, "error");
      })
      .then(function () { self.handingOver = null; });
    return this.handingOver;
  };

  /** After a handoff: fetch what agents write, every POLL_MS, and show it. */
  Widget.prototype.poll = function () {
    var self = this;
    if (this.polling) return;
    this.polling = true;
    this.lastReply = this.lastReply || 0;
    function tick() {
      apiGet("/v1/widget/replies?after=" + self.lastReply, self.token)
        .then(function (out) {
          (out.replies || []).forEach(function (r) {
            self.lastReply = Math.max(self.lastReply, r.id);
            var bubble = self.say("agent", null);
            bubble.appendChild(renderMarkdown(r.text, self.domains));
            self.live.textContent = self.t.agent + ": " + r.text;
            if (self.panel.hidden) self.launcher.classList.add("has-news");
          });
        })
        .catch(function () { /* a missed poll is retried at the next tick */ })
        .then(function () { window.setTimeout(tick, POLL_MS); });
    }
    tick();
  };

  function boot() {
    var lang = pageLanguage();
    fetch(BASE + "/widget/texts.json", { credentials: "omit", mode: "cors" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (all) {
        var w = new Widget(all[lang] || all.en, lang);
        window.svarWidget = { open: function () { w.open(); }, close: function () { w.close(); } };
      })
      .catch(function (e) {
        if (window.console) window.console.error("svar widget: could not load its texts", e);
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
