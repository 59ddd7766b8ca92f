// FastMail web administration: vanilla JS, no inline script (CSP default-src 'self').
"use strict";

(() => {
  const $ = (selector) => document.querySelector(selector);
  let csrfToken = null;

  // The CSRF token for non-GET requests (header X-CSRF-Token): a <meta name="csrf-token">, else GET /api/session ("csrf").
  async function csrf() {
    if (csrfToken) return csrfToken;
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) return (csrfToken = meta.content);
    const response = await fetch("/api/session", { credentials: "same-origin" });
    if (response.ok) {
      const session = await response.json();
      csrfToken = session.csrf || null;
    }
    return csrfToken;
  }

  async function api(method, path, body) {
    const init = { method, credentials: "same-origin", headers: {} };
    if (method !== "GET") init.headers["X-CSRF-Token"] = await csrf();
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch("/api/admin" + path, init);
    if (response.status === 401 || response.status === 403) {
      show("You need to log in as an administrator.", true);
      throw new Error("forbidden");
    }
    const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
    if (!response.ok) {
      show(data?.message || `Request failed (${response.status})`, true);
      throw new Error(data?.message || String(response.status));
    }
    if (data && typeof data.message === "string") show(data.message, false);
    return data;
  }

  function show(text, isError) {
    const box = $("#message");
    box.textContent = text;
    box.className = isError ? "error" : "ok";
    box.hidden = false;
    clearTimeout(show.timer);
    show.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "onclick") node.addEventListener("click", value);
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  function size(bytes) {
    if (bytes === null || bytes === undefined) return "–";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let value = bytes, unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (unit === 0 ? value : value.toFixed(1)) + " " + units[unit];
  }

  // Parses "100m", "1g", "512k", "0" (unlimited) or "" (the default) into bytes, null, or NaN when invalid.
  function parseSize(text) {
    const match = /^\s*(\d+)\s*([kmg]?)\s*$/i.exec(text);
    if (text.trim() === "") return null;
    if (!match) return NaN;
    const factor = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase()];
    return Number(match[1]) * factor;
  }

  // Tabs
  const loaders = {};
  function select(tab) {
    for (const button of document.querySelectorAll("#tabs button")) button.setAttribute("aria-selected", String(button.dataset.tab === tab));
    for (const section of document.querySelectorAll("main .tab")) section.hidden = section.id !== tab;
    loaders[tab]?.().catch(() => {});
    history.replaceState(null, "", "#" + tab);
  }
  for (const button of document.querySelectorAll("#tabs button")) button.addEventListener("click", () => select(button.dataset.tab));

  // Status
  loaders.status = async () => {
    const status = await api("GET", "/status");
    $("#status-rate").textContent = status.messagesPerMinute.toFixed(1);
    $("#status-storage").textContent = size(status.storageUsedBytes);
    $("#status-free").textContent = size(status.storageFreeBytes);
    $("#status-uptime").textContent = status.uptime;
    $("#status-listeners").replaceChildren(...status.listeners.map((l) => el("tr", {}, el("td", {}, l.protocol), el("td", {}, l.endpoint), el("td", {}, l.connections))));
  };

  // Users
  loaders.users = async () => {
    const users = await api("GET", "/users");
    $("#user-list").replaceChildren(...users.map((user) => {
      const quota = user.effectiveQuotaBytes === 0 ? "unlimited" : size(user.effectiveQuotaBytes);
      return el("tr", {},
        el("td", {}, user.name, user.apop ? " (apop)" : ""),
        el("td", {}, `${size(user.usedBytes)} / ${quota}`, user.quotaBytes === undefined || user.quotaBytes === null ? " (default)" : ""),
        el("td", {}, el("input", { type: "checkbox", ...(user.admin ? { checked: "" } : {}), "aria-label": "admin" })),
        el("td", {},
          el("button", { type: "button", className: "link", onclick: () => resetPassword(user.name) }, "Password"),
          el("button", { type: "button", className: "link", onclick: () => setQuota(user.name) }, "Quota"),
          el("button", { type: "button", className: "danger", onclick: () => deleteUser(user.name) }, "Delete")));
    }));
    for (const [index, box] of [...document.querySelectorAll("#user-list input[type=checkbox]")].entries()) {
      box.addEventListener("change", () => api("PUT", `/users/${encodeURIComponent(users[index].name)}/admin`, { admin: box.checked }).catch(() => {}).finally(loaders.users));
    }
  };

  $("#user-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      await api("POST", "/users", { name: form.name.value.trim(), password: form.password.value, admin: form.admin.checked });
      form.reset();
    } catch { /* shown */ }
    loaders.users();
  });

  async function resetPassword(name) {
    const password = prompt(`New password for ${name}:`);
    if (password) await api("PUT", `/users/${encodeURIComponent(name)}/password`, { password }).catch(() => {});
  }

  async function setQuota(name) {
    const text = prompt(`Quota for ${name} (such as 100m or 1g; 0 unlimited; empty for the default):`, "");
    if (text === null) return;
    const quotaBytes = parseSize(text);
    if (Number.isNaN(quotaBytes)) { show(`'${text}' is not a size such as 100m`, true); return; }
    await api("PUT", `/users/${encodeURIComponent(name)}/quota`, { quotaBytes }).catch(() => {});
    loaders.users();
  }

  async function deleteUser(name) {
    if (!confirm(`Delete user ${name}? Their stored mail is kept.`)) return;
    await api("DELETE", `/users/${encodeURIComponent(name)}`).catch(() => {});
    loaders.users();
  }

  // Domains
  loaders.domains = async () => {
    const domains = await api("GET", "/domains");
    $("#domain-list").replaceChildren(...domains.map((domain, index) => el("li", {}, domain,
      index === 0 ? el("span", { className: "note" }, "primary") : el("button", { type: "button", className: "danger", onclick: () => deleteDomain(domain) }, "Delete"))));
  };
  $("#domain-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await api("POST", "/domains", { domain: event.target.domain.value.trim() }); event.target.reset(); } catch { /* shown */ }
    loaders.domains();
  });
  async function deleteDomain(domain) {
    if (!confirm(`Stop accepting mail for ${domain}?`)) return;
    await api("DELETE", `/domains/${encodeURIComponent(domain)}`).catch(() => {});
    loaders.domains();
  }

  // Aliases
  loaders.aliases = async () => {
    const aliases = await api("GET", "/aliases");
    $("#alias-list").replaceChildren(...aliases.map((alias) => el("tr", {},
      el("td", {}, alias.address),
      el("td", {}, ...alias.targets.flatMap((target) => [target, el("button", { type: "button", className: "danger", title: "remove target", onclick: () => removeAlias(alias.address, target) }, "×"), " "])),
      el("td", {}, el("button", { type: "button", className: "danger", onclick: () => removeAlias(alias.address) }, "Delete")))));
  };
  $("#alias-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const targets = form.targets.value.split(/[\s,]+/).filter(Boolean);
    try { await api("POST", "/aliases", { address: form.address.value.trim(), targets }); form.reset(); } catch { /* shown */ }
    loaders.aliases();
  });
  async function removeAlias(address, target) {
    const query = "address=" + encodeURIComponent(address) + (target ? "&target=" + encodeURIComponent(target) : "");
    await api("DELETE", "/aliases?" + query).catch(() => {});
    loaders.aliases();
  }

  // Relay
  loaders.relay = async () => {
    const relay = await api("GET", "/relay");
    const form = $("#relay-form");
    form.allowRelay.checked = relay.allowRelay;
    form.trustedNetworks.value = relay.trustedNetworks.join("\n");
    $("#relay-storage").textContent = relay.storage;
  };
  $("#relay-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const trustedNetworks = form.trustedNetworks.value.split(/[\s,]+/).filter(Boolean);
    try {
      await api("PUT", "/relay", { allowRelay: form.allowRelay.checked, trustedNetworks });
      show("Relay settings applied.", false);
    } catch { /* shown */ }
    loaders.relay();
  });

  // Queue
  loaders.queue = async () => {
    const queue = await api("GET", "/queue");
    $("#queue-empty").hidden = queue.available && queue.messages.length > 0;
    $("#queue-empty").textContent = queue.available ? "The queue is empty." : "This server has no outbound queue.";
    $("#queue-list").replaceChildren(...queue.messages.map((m) => el("tr", {},
      el("td", {}, m.id),
      el("td", {}, m.sender || "<>"),
      el("td", {}, ...m.recipients.map((r) => el("div", {}, `${r.address}: ${r.state}, ${r.attempts} attempt(s)`, r.lastReply ? ` — ${r.lastReply}` : ""))),
      el("td", {}, size(m.size)),
      el("td", {},
        el("button", { type: "button", className: "link", onclick: () => queueAction("POST", `/queue/${m.id}/retry`) }, "Retry"),
        el("button", { type: "button", className: "danger", onclick: () => confirm(`Delete message ${m.id} without a bounce?`) && queueAction("DELETE", `/queue/${m.id}`) }, "Delete")))));
  };
  async function queueAction(method, path) {
    await api(method, path).catch(() => {});
    loaders.queue();
  }
  $("#queue-retry-all").addEventListener("click", () => queueAction("POST", "/queue/retry"));
  $("#queue-refresh").addEventListener("click", () => loaders.queue());

  // Transcripts: server-sent events; closing the stream stops capture on the server.
  let source = null;
  const log = $("#transcript-log");
  const maxLines = 2000;
  function stopWatching() {
    source?.close();
    source = null;
    $("#transcript-toggle").textContent = "Watch";
    $("#transcript-state").textContent = "Not watching.";
  }
  $("#transcript-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (source) { stopWatching(); return; }
    const protocol = event.target.protocol.value;
    source = new EventSource(`/api/admin/transcripts?protocol=${protocol}`, { withCredentials: true });
    $("#transcript-toggle").textContent = "Stop";
    $("#transcript-state").textContent = `Watching ${protocol.toUpperCase()}…`;
    source.addEventListener("message", (e) => {
      const line = JSON.parse(e.data);
      const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      log.append(el("div", { className: line.d === "C" ? "c" : "s" }, `[${line.c}] ${line.d}: ${line.t}`));
      while (log.childElementCount > maxLines) log.firstElementChild.remove();
      if (atBottom) log.scrollTop = log.scrollHeight;
    });
    source.addEventListener("stats", (e) => {
      const stats = JSON.parse(e.data);
      if (stats.dropped > 0) $("#transcript-state").textContent = `Watching ${protocol.toUpperCase()} (${stats.dropped} lines dropped: too fast to show)`;
    });
    source.addEventListener("error", () => {
      if (source?.readyState === EventSource.CLOSED) stopWatching();
    });
  });
  $("#transcript-clear").addEventListener("click", () => log.replaceChildren());
  addEventListener("pagehide", stopWatching);

  select(location.hash.slice(1) in loaders ? location.hash.slice(1) : "status");
})();
