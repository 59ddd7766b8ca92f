'use strict';
// The webmail client: hash routes (#/inbox, #/m/<id>, #/compose, #/settings) over the JSON API. Message text from the
// server is only ever set as textContent, except textHtml, which the server built with every character HTML-encoded.
const $ = (id) => document.getElementById(id);
let session = null;
let cursors = [];          // cursors of the pages before the current one (for Newer)
let current = 0;           // the cursor of the current page (0 = newest)
let next = null;
let query = '';
let shown = null;          // the message on screen

async function api(path, options = {}) {
  options.headers = Object.assign({}, options.headers || {});
  if (options.method && options.method !== 'GET') options.headers['X-CSRF-Token'] = session ? session.csrf : '';
  const response = await fetch(path, options);
  if (response.status === 401) { location.href = '/login'; throw new Error('login required'); }
  return response;
}

function notice(text) {
  const element = $('notice');
  element.textContent = text || '';
  element.hidden = !text;
}

function show(view) {
  for (const name of ['inbox', 'message', 'compose', 'settings']) $('view-' + name).hidden = name !== view;
}

function formatDate(value) {
  if (!value) return '';
  const date = new Date(value);
  const today = new Date();
  return date.toDateString() === today.toDateString() ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString();
}

function formatSize(bytes) {
  if (bytes < 1024) return bytes + ' B';
  if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + ' KB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

async function loadInbox() {
  show('inbox');
  const params = new URLSearchParams();
  if (current) params.set('before', current);
  if (query) params.set('q', query);
  const response = await api('/api/messages?' + params);
  const page = await response.json();
  next = page.next ?? null;
  const body = $('messages');
  body.replaceChildren();
  for (const message of page.messages) {
    const row = document.createElement('tr');
    row.dataset.id = message.id;
    const check = document.createElement('td');
    check.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = message.id;
    box.setAttribute('aria-label', 'Select');
    check.append(box);
    const cells = [message.from || '(unknown)', message.subject || '(no subject)', formatDate(message.date), formatSize(message.size)];
    row.append(check);
    cells.forEach((text, i) => {
      const cell = document.createElement('td');
      cell.className = ['from', 'subject', 'date', 'size'][i];
      if (i === 1) {
        const link = document.createElement('a');
        link.href = '#/m/' + message.id;
        link.textContent = text;
        cell.append(link);
      } else {
        cell.textContent = text;
      }
      row.append(cell);
    });
    row.addEventListener('click', (event) => { if (event.target.tagName !== 'INPUT' && event.target.tagName !== 'A') location.hash = '#/m/' + message.id; });
    body.append(row);
  }
  if (page.messages.length === 0) {
    const row = document.createElement('tr');
    const cell = document.createElement('td');
    cell.colSpan = 5;
    cell.className = 'muted';
    cell.textContent = query ? 'No message matches.' : 'No messages.';
    row.append(cell);
    body.append(row);
  }
  $('count').textContent = page.total + ' message' + (page.total === 1 ? '' : 's');
  $('older').hidden = next === null;
  $('newer').hidden = cursors.length === 0;
  $('select-all').checked = false;
  $('delete-selected').disabled = page.locked;
  notice(page.locked ? 'The mailbox is open in a POP3 session: it is read-only until that session ends.' : '');
}

async function deleteIds(ids) {
  if (ids.length === 0) return false;
  const response = await api('/api/messages/delete', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids }) });
  if (response.status === 409) { notice('The mailbox is open in a POP3 session: it is read-only until that session ends.'); return false; }
  if (!response.ok) { notice('Delete failed.'); return false; }
  return true;
}

async function loadMessage(id) {
  show('message');
  const response = await api('/api/messages/' + encodeURIComponent(id));
  if (!response.ok) { notice('This message cannot be shown.'); return; }
  const message = await response.json();
  shown = message;
  $('m-subject').textContent = message.subject || '(no subject)';
  $('m-from').textContent = message.from;
  $('m-to').textContent = message.to;
  $('m-cc').textContent = message.cc;
  $('m-cc').hidden = $('m-cc-label').hidden = !message.cc;
  $('m-date').textContent = message.date ? new Date(message.date).toLocaleString() : '';
  const list = $('m-attachments');
  list.replaceChildren();
  for (const attachment of message.attachments) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = '/api/messages/' + message.id + '/parts/' + attachment.part + '?download=1';
    link.textContent = attachment.name;
    link.setAttribute('download', attachment.name);
    item.append(link, document.createTextNode(' (' + attachment.contentType + ', ' + formatSize(attachment.size) + ')'));
    list.append(item);
  }
  $('m-text').innerHTML = message.textHtml; // encoded by the server (MessageRenderer.TextToHtml)
  $('delete-message').disabled = message.locked;
  notice(message.locked ? 'The mailbox is open in a POP3 session: it is read-only until that session ends.' : '');
  const frame = $('m-html');
  $('m-html-bar').hidden = !message.hasHtml;
  $('show-images').hidden = !message.hasRemoteImages;
  if (message.hasHtml) {
    frame.src = '/api/messages/' + message.id + '/html';
    setView(true);
  } else {
    frame.removeAttribute('src');
    setView(false);
  }
}

function setView(html) {
  $('m-html').hidden = !html;
  $('m-text').hidden = html && shown && shown.hasHtml;
  $('show-text').hidden = !html;
  $('show-html').hidden = html || !(shown && shown.hasHtml);
  if (!html) $('m-text').hidden = false;
}

function quote(text) {
  return text.split(/\r?\n/).map((line) => '> ' + line).join('\n');
}

function compose(prefill) {
  show('compose');
  $('compose-error').hidden = true;
  $('compose-form').reset();
  $('c-reply').value = '';
  if (prefill) {
    $('c-to').value = prefill.to || '';
    $('c-subject').value = prefill.subject || '';
    $('c-body').value = prefill.body || '';
    $('c-reply').value = prefill.replyTo || '';
  }
}

async function route() {
  const hash = location.hash || '#/inbox';
  const match = /^#\/m\/(\d+)$/.exec(hash);
  if (match) return loadMessage(match[1]);
  if (hash === '#/compose') { if (!$('view-compose').hidden) return; return compose(null); }
  if (hash === '#/settings') { show('settings'); return; }
  return loadInbox();
}

async function start() {
  const response = await api('/api/session');
  session = await response.json();
  $('who').textContent = session.address;
  $('nav-admin').hidden = !session.isAdmin;

  $('logout').addEventListener('click', async () => { await api('/api/logout', { method: 'POST' }); location.href = '/login'; });
  $('older').addEventListener('click', () => { cursors.push(current); current = next; loadInbox(); });
  $('newer').addEventListener('click', () => { current = cursors.pop() || 0; loadInbox(); });
  $('search-form').addEventListener('submit', (event) => { event.preventDefault(); query = $('search').value.trim(); cursors = []; current = 0; loadInbox(); });
  $('select-all').addEventListener('change', (event) => { for (const box of $('messages').querySelectorAll('input[type=checkbox]')) box.checked = event.target.checked; });
  $('delete-selected').addEventListener('click', async () => {
    const ids = [...$('messages').querySelectorAll('input[type=checkbox]:checked')].map((box) => Number(box.value));
    if (await deleteIds(ids)) loadInbox();
  });
  $('delete-message').addEventListener('click', async () => { if (shown && await deleteIds([shown.id])) location.hash = '#/inbox'; });
  $('reply').addEventListener('click', () => {
    if (!shown) return;
    location.hash = '#/compose';
    compose({ to: shown.from, subject: /^re:/i.test(shown.subject) ? shown.subject : 'Re: ' + shown.subject, body: '\n\n' + (shown.from || '') + ' wrote:\n' + quote(shown.text), replyTo: shown.id });
  });
  $('forward').addEventListener('click', () => {
    if (!shown) return;
    location.hash = '#/compose';
    compose({ subject: 'Fwd: ' + shown.subject, body: '\n\n---------- Forwarded message ----------\nFrom: ' + shown.from + '\nSubject: ' + shown.subject + '\nTo: ' + shown.to + '\n\n' + shown.text });
  });
  $('show-images').addEventListener('click', () => { if (shown) { $('m-html').src = '/api/messages/' + shown.id + '/html?images=1'; $('show-images').hidden = true; } });
  $('show-text').addEventListener('click', () => setView(false));
  $('show-html').addEventListener('click', () => setView(true));
  $('compose-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const response = await api('/api/send', { method: 'POST', body: new FormData($('compose-form')) });
    const result = await response.json();
    if (!response.ok) { $('compose-error').textContent = result.error || 'Sending failed.'; $('compose-error').hidden = false; return; }
    const failed = result.undeliverable.length ? ' Not delivered: ' + result.undeliverable.join(', ') : '';
    notice('Sent to ' + result.delivered.join(', ') + '.' + failed);
    location.hash = '#/inbox';
  });
  $('password-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const out = $('password-result');
    out.hidden = false;
    if ($('p-new').value !== $('p-repeat').value) { out.textContent = 'The new passwords differ.'; return; }
    const response = await api('/api/password', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ current: $('p-current').value, new: $('p-new').value }) });
    const result = await response.json();
    out.textContent = response.ok ? 'Password changed.' : (result.error || 'The password was not changed.');
    if (response.ok) $('password-form').reset();
  });
  window.addEventListener('hashchange', route);
  route();
}

start();
