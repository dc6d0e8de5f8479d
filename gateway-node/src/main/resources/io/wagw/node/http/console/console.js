// The web console: plain JavaScript over the node's JSON API. Signed in with a cookie (HttpOnly, so this
// script never sees it); every change sends the sign-in's CSRF token. Text from the API is only ever set as
// text (never as HTML).
'use strict';
(() => {
  let me = null;            // {scope, tenant, session, csrfToken, node, clustered}
  let timers = [];          // polling of the current page
  let streams = [];         // server-sent event streams of the current page
  const charts = {};        // cluster charts: nodeId -> [{sessions, cpu, heap}]

  // ---- small helpers -----------------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  const $ = (id) => document.getElementById(id);
  let ids = 0;
  const uid = (p) => p + '-' + (++ids);

  class ApiFailure extends Error {
    constructor(status, body) {
      super((body && body.message) || ('HTTP ' + status));
      this.status = status;
      this.body = body || {};
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && me) headers['X-CSRF-Token'] = me.csrfToken;
    const r = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await r.text();
    let data = null;
    if (text) { try { data = JSON.parse(text); } catch (e) { data = { message: text }; } }
    if (r.status === 401 && data && data.error === 'signed_out') { signedOut(); }
    if (!r.ok) throw new ApiFailure(r.status, data);
    return data;
  }

  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.textContent = ''; }, 4000);
  }

  // Shows an API error: the message in the form's alert, and the field it names marked invalid.
  function showError(form, err) {
    const box = form.querySelector('.error');
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    if (!err) { if (box) box.textContent = ''; return; }
    const field = err.body && err.body.field;
    if (box) box.textContent = err.message + (field ? ' (field: ' + field + ')' : '');
    const input = field && form.querySelector('[data-field="' + CSS.escape(field) + '"]');
    if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
  }

  function every(ms, fn) {
    fn();
    timers.push(setInterval(fn, ms));
  }

  function stopPage() {
    timers.forEach(clearInterval);
    timers = [];
    streams.forEach((s) => s.close());
    streams = [];
  }

  const fmtTime = (iso) => iso ? new Date(iso).toLocaleString() : '';
  const fmtBytes = (n) => n == null ? '–' : (n / 1048576).toFixed(0) + ' MB';
  const isAdmin = () => me && me.scope === 'admin';

  // ---- sign-in ----------------------------------------------------------------------------------------
  function signedOut() {
    me = null;
    stopPage();
    $('nav').hidden = true;
    $('sign-out').hidden = true;
    $('who').textContent = '';
    $('page').hidden = true;
    $('page').replaceChildren();
    $('sign-in-page').hidden = false;
    document.title = 'Sign in · WhatsApp gateway console';
    $('api-key').focus();
  }

  function signedIn(who) {
    me = who;
    $('sign-in-page').hidden = true;
    $('nav').hidden = false;
    $('sign-out').hidden = false;
    $('who').textContent = who.scope === 'admin' ? 'admin' : who.scope + ': ' + (who.tenant || who.session);
    document.querySelectorAll('#nav a').forEach((a) => {
      const needs = a.dataset.needs;
      a.hidden = (needs === 'admin' && who.scope !== 'admin') || (needs === 'tenant' && who.scope === 'session');
    });
    route();
  }

  $('sign-in-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const key = $('api-key');
    try {
      const who = await api('POST', '/console/sign-in', { apiKey: key.value });
      key.value = '';
      showError(form, null);
      signedIn(who);
    } catch (err) {
      showError(form, err);
      key.setAttribute('aria-invalid', 'true');
    }
  });

  $('sign-out').addEventListener('click', async () => {
    try { await api('POST', '/console/sign-out'); } catch (e) { /* signed out either way */ }
    location.hash = '';
    signedOut();
  });

  // ---- routing ----------------------------------------------------------------------------------------
  const pages = { sessions, conversations, assistant, webhooks, usage, cluster };

  function params() {
    const hash = location.hash.replace(/^#\/?/, '');
    const [name, query] = hash.split('?');
    return { name: name || 'sessions', q: new URLSearchParams(query || '') };
  }

  function route() {
    if (!me) return;
    stopPage();
    const { name, q } = params();
    const page = pages[name] ? name : 'sessions';
    document.querySelectorAll('#nav a').forEach((a) => {
      if (a.dataset.page === page) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    const root = $('page');
    root.replaceChildren();
    root.hidden = false;
    pages[page](root, q);
    const h1 = root.querySelector('h1');
    document.title = (h1 ? h1.textContent : page) + ' · WhatsApp gateway console';
  }
  window.addEventListener('hashchange', route);

  async function sessionNames() {
    return (await api('GET', '/api/sessions?all=true')).map((s) => s);
  }

  async function tenantChoices() {
    if (me.scope === 'tenant') return [me.tenant];
    if (me.scope === 'admin') return (await api('GET', '/api/tenants')).map((t) => t.slug);
    return [];
  }

  // A labelled select that keeps its choice in the page's URL.
  function chooser(root, label, key, options, q, onChange) {
    const id = uid(key);
    const select = h('select', { id, onchange: () => { q.set(key, select.value); history.replaceState(null, '', '#/' + params().name + '?' + q); onChange(select.value); } },
      options.map((o) => h('option', { value: o, text: o })));
    if (q.get(key) && options.includes(q.get(key))) select.value = q.get(key);
    root.append(h('div', { class: 'narrow' }, h('label', { for: id, text: label }), select));
    return select;
  }

  // ---- sessions ---------------------------------------------------------------------------------------
  function sessions(root) {
    root.append(h('h1', { text: 'Sessions' }));
    if (me.scope !== 'session') {
      const nameId = uid('name'), tenantId = uid('tenant');
      const form = h('form', { class: 'card', id: 'create-session', novalidate: true },
        h('h2', { text: 'New session' }),
        h('div', { class: 'row' },
          h('div', { class: 'grow' }, h('label', { for: nameId, text: 'Name' }),
            h('input', { id: nameId, name: 'name', 'data-field': 'name', required: true, autocomplete: 'off' })),
          isAdmin() ? h('div', { class: 'grow' }, h('label', { for: tenantId, text: 'Tenant' }),
            h('input', { id: tenantId, name: 'tenant', 'data-field': 'tenant', value: 'default' })) : null,
          h('button', { type: 'submit', text: 'Create and start' })),
        h('p', { class: 'error', role: 'alert' }));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const body = { name: form.elements.name.value, start: true };
        if (form.elements.tenant) body.tenant = form.elements.tenant.value;
        try {
          await api('POST', '/api/sessions', body);
          showError(form, null);
          toast('Session ' + body.name + ' created');
          form.reset();
          refresh();
          openLink(body.name);
        } catch (err) { showError(form, err); }
      });
      root.append(form);
    }
    const linkPanel = h('section', { id: 'link-panel', 'aria-live': 'polite' });
    const table = h('table', { class: 'stack', id: 'sessions-table' },
      h('caption', { class: 'hint', text: 'Status updates by itself.' }),
      h('thead', {}, h('tr', {}, ['Session', 'Status', 'Number', 'Node', 'Tenant', 'Actions'].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody'));
    root.append(linkPanel, table);

    async function act(name, verb) {
      if (verb === 'logout' && !confirm('Log ' + name + ' out of WhatsApp? It will need a new QR scan.')) return;
      try {
        await api('POST', '/api/sessions/' + encodeURIComponent(name) + '/' + verb);
        toast(name + ': ' + verb + ' requested');
      } catch (err) { toast(name + ': ' + err.message); }
      refresh();
    }

    async function refresh() {
      let list;
      try { list = await api('GET', '/api/sessions?all=true'); } catch (e) { return; }
      const body = table.querySelector('tbody');
      body.replaceChildren(...list.map((s) => h('tr', { 'data-session': s.name },
        h('td', { 'data-label': 'Session' }, h('strong', { text: s.name })),
        h('td', { 'data-label': 'Status' }, h('span', { class: 'badge s-' + s.status, 'data-status': s.status, text: s.status }),
          s.reason ? h('div', { class: 'hint', text: s.reason }) : null),
        h('td', { 'data-label': 'Number', text: s.me ? '+' + s.me.id.split('@')[0] : '–' }),
        h('td', { 'data-label': 'Node', text: s.node || '–' }),
        h('td', { 'data-label': 'Tenant', text: s.tenant }),
        h('td', { 'data-label': 'Actions' }, h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', 'aria-label': 'Link ' + s.name, onclick: () => openLink(s.name), text: 'Link' }),
          ['start', 'stop', 'restart', 'logout'].map((v) => h('button', {
            type: 'button', class: v === 'logout' ? 'danger' : 'secondary', 'aria-label': v + ' ' + s.name,
            onclick: () => act(s.name, v), text: v === 'logout' ? 'Log out' : v[0].toUpperCase() + v.slice(1)
          })))))));
    }
    every(3000, refresh);

    // The live QR (the pairing page's event stream, opened with a fresh pairing link), the pairing-code flow
    // and the link to copy for the owner.
    async function openLink(name) {
      streams.forEach((s) => s.close());
      streams = [];
      let link;
      try { link = await api('GET', '/api/' + encodeURIComponent(name) + '/auth/pair-link'); } catch (err) { toast(err.message); return; }
      const token = new URL(link.url).searchParams.get('t');
      const statusEl = h('p', { id: 'link-status', 'data-status': '', text: 'Connecting…' });
      const img = h('img', { id: 'link-qr', class: 'qr', alt: 'QR code to link WhatsApp for ' + name, hidden: true });
      const linkId = uid('pair-link'), phoneId = uid('phone');
      const codeOut = h('p', { id: 'pairing-code', class: 'code-box', 'aria-live': 'polite' });
      const codeForm = h('form', { novalidate: true },
        h('label', { for: phoneId, text: 'Or link with a phone number' }),
        h('div', { class: 'row' },
          h('input', { id: phoneId, name: 'phoneNumber', 'data-field': 'phoneNumber', inputmode: 'tel', autocomplete: 'tel', placeholder: '+7 701 234 5678', class: 'grow' }),
          h('button', { type: 'submit', text: 'Get pairing code' })),
        h('p', { class: 'error', role: 'alert' }), codeOut);
      codeForm.addEventListener('submit', async (e) => {
        e.preventDefault();
        try {
          const r = await api('POST', '/api/' + encodeURIComponent(name) + '/auth/request-code', { phoneNumber: codeForm.elements.phoneNumber.value.replace(/[^0-9]/g, '') });
          showError(codeForm, null);
          codeOut.textContent = r.code;
          codeOut.after(h('p', { class: 'hint', text: 'On the phone: WhatsApp → Linked devices → Link a device → Link with phone number instead, then enter this code.' }));
        } catch (err) { showError(codeForm, err); }
      });
      linkPanel.replaceChildren(h('div', { class: 'card' },
        h('h2', { text: 'Link ' + name }),
        h('div', { class: 'row' },
          h('div', {}, img, statusEl),
          h('div', { class: 'grow' },
            h('p', { class: 'hint', text: 'On the phone: WhatsApp → Settings → Linked devices → Link a device, then point it at the code.' }),
            codeForm,
            h('label', { for: linkId, text: 'Pairing link for the owner (valid until ' + fmtTime(link.expiresAt) + ')' }),
            h('div', { class: 'row' },
              h('input', { id: linkId, readonly: true, value: link.url, class: 'grow' }),
              h('button', { type: 'button', class: 'secondary', text: 'Copy link', onclick: async () => {
                try { await navigator.clipboard.writeText(link.url); toast('Pairing link copied'); } catch (e) { $(linkId).select(); toast('Press Ctrl+C to copy'); }
              } })),
            h('button', { type: 'button', class: 'secondary', text: 'Close', onclick: () => { streams.forEach((s) => s.close()); streams = []; linkPanel.replaceChildren(); } })))));
      const source = new EventSource('/pair/' + encodeURIComponent(name) + '/events?t=' + encodeURIComponent(token));
      streams.push(source);
      source.addEventListener('qr', (e) => {
        const d = JSON.parse(e.data);
        img.src = d.png;
        img.hidden = false;
      });
      source.addEventListener('status', (e) => {
        const d = JSON.parse(e.data);
        statusEl.dataset.status = d.status;
        statusEl.textContent = d.status === 'WORKING' ? 'Linked: WORKING' : d.status + (d.reason ? ' – ' + d.reason : '');
        if (d.status !== 'SCAN_QR_CODE') img.hidden = true;
        refresh();
      });
    }
  }

  // ---- conversations ----------------------------------------------------------------------------------
  async function conversations(root, q) {
    root.append(h('h1', { text: 'Conversations' }));
    const list = await sessionNames();
    if (!list.length) { root.append(h('p', { text: 'No sessions yet.' })); return; }
    const escalations = h('section', { id: 'escalations' });
    const chatList = h('ul', { class: 'chats', id: 'chats', 'aria-label': 'Chats' });
    const chatView = h('section', { id: 'chat', 'aria-label': 'Messages' });
    let session = null, chat = q.get('chat');
    const select = chooser(root, 'Session', 'session', list.map((s) => s.name), q, (v) => { session = v; chat = null; load(); });
    session = select.value;
    root.append(escalations, h('div', { class: 'split' }, h('div', {}, h('h2', { text: 'Chats' }), chatList), chatView));
    const tenantOf = (name) => (list.find((s) => s.name === name) || {}).tenant;

    async function loadEscalations() {
      if (me.scope === 'session') return;
      const tenant = tenantOf(session);
      let open;
      try { open = await api('GET', '/api/tenants/' + encodeURIComponent(tenant) + '/escalations?status=open'); } catch (e) { return; }
      open = open.filter((x) => x.session === session || x.sessionName === session || !x.session);
      escalations.replaceChildren(open.length ? h('div', { class: 'card esc' },
        h('h2', { text: 'Open escalations (' + open.length + ')' }),
        h('ul', {}, open.map((x) => h('li', {},
          h('strong', { text: x.reason }), ' · ', x.chatId || '', ' · ', x.summary || '', ' ',
          h('button', { type: 'button', class: 'secondary', text: 'Open chat', onclick: () => { chat = x.chatId; loadChat(); } }), ' ',
          h('button', { type: 'button', class: 'secondary', text: 'Resolve', onclick: async () => {
            try { await api('POST', '/api/tenants/' + encodeURIComponent(tenant) + '/escalations/' + x.id + '/resolve'); loadEscalations(); } catch (err) { toast(err.message); }
          } }))))) : '');
    }

    async function loadChats() {
      let chats;
      try { chats = await api('GET', '/api/' + encodeURIComponent(session) + '/conversations'); } catch (e) { return; }
      chatList.replaceChildren(...(chats.length ? chats.map((c) => h('li', {},
        h('button', { type: 'button', 'data-chat': c.chatId, 'aria-current': c.chatId === chat ? 'true' : 'false', onclick: () => { chat = c.chatId; loadChat(); loadChats(); } },
          h('strong', { text: (c.customerName ? c.customerName + ' ' : '') + '+' + c.chatId.split('@')[0] }),
          c.openEscalations ? h('span', { class: 'badge s-FAILED', text: 'escalated' }) : null,
          c.assistantPausedUntil ? h('span', { class: 'badge s-STARTING', text: 'person' }) : null,
          h('div', { class: 'hint', text: (c.lastDirection === 'out' ? 'You: ' : '') + (c.lastBody || '') })))) : [h('li', { class: 'hint', text: 'No messages yet.' })]));
      if (!chat && chats.length) { chat = chats[0].chatId; loadChat(); }
    }

    const kindLabels = { quick: 'quick answer', knowledge: 'from knowledge', model: 'written by the model', template: 'template', api: 'by a person (API)', human: 'by a person' };
    async function loadChat() {
      if (!chat) { chatView.replaceChildren(); return; }
      let c;
      try { c = await api('GET', '/api/' + encodeURIComponent(session) + '/conversations/' + encodeURIComponent(chat)); } catch (e) { return; }
      const textId = uid('reply');
      const form = h('form', { id: 'reply-form', novalidate: true },
        h('label', { for: textId, text: 'Answer as a person (the assistant pauses in this chat)' }),
        h('textarea', { id: textId, name: 'text', 'data-field': 'text', rows: 3 }),
        h('p', { class: 'error', role: 'alert' }),
        h('button', { type: 'submit', text: 'Send' }));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const button = form.querySelector('button');
        button.disabled = true;
        try {
          await api('POST', '/api/sendText', { session, chatId: chat, text: form.elements.text.value });
          showError(form, null);
          form.elements.text.value = '';
          toast('Sent');
          loadChat();
        } catch (err) { showError(form, err); }
        button.disabled = false;
      });
      const keep = chatView.querySelector('textarea');
      const draft = keep ? keep.value : '';
      const hadFocus = keep && document.activeElement === keep;
      chatView.replaceChildren(
        h('h2', { text: '+' + chat.split('@')[0] }),
        c.assistantPausedUntil
          ? h('p', { id: 'takeover', class: 'card' }, 'A person has this chat; the assistant is paused until ' + fmtTime(c.assistantPausedUntil) + '. ',
            h('button', { type: 'button', class: 'secondary', text: 'Hand back to the assistant', onclick: async () => {
              try { await api('POST', '/api/' + encodeURIComponent(session) + '/conversations/' + encodeURIComponent(chat) + '/hand-back'); toast('Handed back'); loadChat(); } catch (err) { toast(err.message); }
            } }))
          : h('p', { id: 'takeover', class: 'hint', text: 'The assistant answers this chat. Sending a message below takes it over.' }),
        h('ol', { class: 'msgs', id: 'messages' }, c.messages.map((m) => h('li', { class: 'msg ' + m.direction, 'data-kind': m.kind || '' },
          h('div', { text: m.body }),
          h('div', { class: 'meta', text: [fmtTime(m.timestamp), m.direction === 'out' ? (kindLabels[m.kind] || m.kind) : (m.step ? 'assistant: ' + m.step : ''), m.direction === 'out' ? m.ackName : ''].filter(Boolean).join(' · ') })))),
        form);
      if (draft) form.elements.text.value = draft;
      if (hadFocus) form.elements.text.focus();
      const box = $('messages');
      box.scrollTop = box.scrollHeight;
    }

    // live: the session's events (from the node that runs it) say when a chat got a message; a slow poll
    // covers a stream that is reconnecting
    let source = null;
    const live = h('p', { id: 'live-status', class: 'hint', 'aria-live': 'polite' });
    select.parentNode.append(live);
    function listen() {
      if (source) { source.close(); streams = streams.filter((x) => x !== source); }
      source = new EventSource('/api/' + encodeURIComponent(session) + '/events');
      streams.push(source);
      source.addEventListener('status', (e) => {
        const d = JSON.parse(e.data);
        live.dataset.status = d.status;
        live.textContent = 'Session ' + d.status + (d.reason ? ' – ' + d.reason : '') + ' · live';
      });
      source.addEventListener('message', (e) => {
        const d = JSON.parse(e.data);
        loadChats();
        if (d.chatId === chat) loadChat();
        loadEscalations();
      });
    }
    function load() { listen(); loadEscalations(); loadChats(); loadChat(); }
    load();
    timers.push(setInterval(() => { loadChats(); loadChat(); }, 15000));
    timers.push(setInterval(loadEscalations, 15000));
  }

  // ---- assistant --------------------------------------------------------------------------------------
  async function assistant(root, q) {
    root.append(h('h1', { text: 'Assistant' }));
    const tenants = await tenantChoices();
    if (!tenants.length) { root.append(h('p', { text: 'No tenants.' })); return; }
    const body = h('div');
    const select = chooser(root, 'Tenant', 'tenant', tenants, q, (t) => show(t));
    root.append(body);
    show(select.value);

    async function show(tenant) {
      const base = '/api/tenants/' + encodeURIComponent(tenant);
      body.replaceChildren(settingsForm(base), tryIt(base), prompts(base), knowledge(base));
    }
  }

  const SCALARS = [
    ['businessName', 'Business name', 'text'], ['timezone', 'Time zone (e.g. Asia/Almaty)', 'text'],
    ['languages', 'Languages (comma-separated: ru, kk, en)', 'list'], ['tone', 'Tone', 'text'],
    ['maxReplyChars', 'Longest reply (characters)', 'number'], ['takeoverPauseMinutes', 'Pause after a person writes (minutes)', 'number'],
    ['retentionDays', 'Keep messages (days)', 'number']
  ];

  function settingsForm(base) {
    const form = h('form', { class: 'card', id: 'settings-form', novalidate: true }, h('h2', { text: 'Settings' }), h('p', { class: 'hint', text: 'Loading…' }));
    (async () => {
      let s;
      try { s = await api('GET', base + '/settings'); } catch (err) { form.append(h('p', { class: 'error', text: err.message })); return; }
      const version = s.version;
      delete s.version; delete s.updatedAt;
      const rest = Object.assign({}, s);
      const inputs = SCALARS.map(([key, label, type]) => {
        const id = uid(key);
        delete rest[key];
        const value = Array.isArray(s[key]) ? s[key].join(', ') : (s[key] == null ? '' : s[key]);
        return h('div', {}, h('label', { for: id, text: label }),
          h('input', { id, name: key, 'data-field': key, type: type === 'number' ? 'text' : 'text', inputmode: type === 'number' ? 'numeric' : null, value }));
      });
      const restId = uid('rest');
      form.replaceChildren(h('h2', { text: 'Settings (version ' + version + ')' }), ...inputs,
        h('label', { for: restId, text: 'Other settings (JSON: quick replies, escalation contacts, quiet hours, quota, templates…)' }),
        h('textarea', { id: restId, name: 'rest', class: 'code', 'data-field': 'rest' }, JSON.stringify(rest, null, 2)),
        h('p', { class: 'error', role: 'alert' }),
        h('button', { type: 'submit', text: 'Save settings' }));
      form.onsubmit = async (e) => {
        e.preventDefault();
        let out;
        try { out = JSON.parse(form.elements.rest.value || '{}'); } catch (err) {
          showError(form, { message: 'Other settings are not valid JSON: ' + err.message, body: { field: 'rest' } });
          return;
        }
        for (const [key, , type] of SCALARS) {
          const v = form.elements[key].value.trim();
          if (v === '') continue;
          out[key] = type === 'list' ? v.split(',').map((x) => x.trim()).filter(Boolean) : (type === 'number' && /^-?\d+$/.test(v) ? Number(v) : v);
        }
        try {
          const saved = await api('PUT', base + '/settings', out);
          showError(form, null);
          toast('Settings saved (version ' + saved.version + ')');
          form.querySelector('h2').textContent = 'Settings (version ' + saved.version + ')';
        } catch (err) { showError(form, err); }
      };
    })();
    return form;
  }

  function tryIt(base) {
    const id = uid('ask');
    const out = h('div', { id: 'ask-result', 'aria-live': 'polite' });
    const form = h('form', { class: 'card', id: 'ask-form', novalidate: true }, h('h2', { text: 'Try it' }),
      h('label', { for: id, text: 'A customer writes' }),
      h('div', { class: 'row' }, h('input', { id, name: 'text', 'data-field': 'text', class: 'grow' }), h('button', { type: 'submit', text: 'Ask' })),
      h('p', { class: 'error', role: 'alert' }), out);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const a = await api('POST', base + '/assistant/ask', { text: form.elements.text.value });
        showError(form, null);
        out.replaceChildren(h('p', { class: 'msg out', text: a.answer || '(no answer)' }),
          h('div', { class: 'kv' },
            h('span', { text: 'How' }), h('span', { text: (a.kind || '–') + ' (step ' + a.step + ')' }),
            h('span', { text: 'Confidence' }), h('span', { text: a.confidence == null ? '–' : Math.round(a.confidence * 100) + ' %' }),
            h('span', { text: 'Escalates' }), h('span', { text: a.escalate ? 'yes' : 'no' }),
            h('span', { text: 'Sources' }), h('span', {}, (a.sources || []).map((s) => h('div', { text: typeof s === 'string' ? s : (s.heading || s.path || '') + (s.text ? ': ' + s.text : '') })))));
      } catch (err) { showError(form, err); }
    });
    return form;
  }

  function prompts(base) {
    const box = h('section', { class: 'card', id: 'prompts' }, h('h2', { text: 'Prompt versions' }));
    const list = h('ul', { id: 'prompt-versions' });
    const promptId = uid('prompt'), modelId = uid('model'), tempId = uid('temperature');
    const form = h('form', { novalidate: true },
      h('label', { for: promptId, text: 'System prompt' }), h('textarea', { id: promptId, name: 'systemPrompt', 'data-field': 'systemPrompt' }),
      h('div', { class: 'row' },
        h('div', { class: 'grow' }, h('label', { for: modelId, text: 'Model' }), h('input', { id: modelId, name: 'model', 'data-field': 'model', value: 'gpt-4o-mini' })),
        h('div', { class: 'grow' }, h('label', { for: tempId, text: 'Temperature' }), h('input', { id: tempId, name: 'temperature', 'data-field': 'temperature', inputmode: 'decimal', value: '0.2' }))),
      h('p', { class: 'error', role: 'alert' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', text: 'Save prompt version' }),
        h('button', { type: 'button', class: 'secondary', text: 'Roll back to the previous version', onclick: async () => {
          try { await api('POST', base + '/prompts/rollback'); showError(form, null); load(); } catch (err) { showError(form, err); }
        } })));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const t = form.elements.temperature.value.trim();
      const body = { systemPrompt: form.elements.systemPrompt.value, model: form.elements.model.value, temperature: t !== '' && !isNaN(Number(t)) ? Number(t) : t };
      try { await api('POST', base + '/prompts', body); showError(form, null); form.elements.systemPrompt.value = ''; load(); } catch (err) { showError(form, err); }
    });
    box.append(list, form);
    async function load() {
      let ps;
      try { ps = await api('GET', base + '/prompts'); } catch (err) { list.replaceChildren(h('li', { class: 'error', text: err.message })); return; }
      ps = Array.isArray(ps) ? ps : (ps.versions || []);
      list.replaceChildren(...(ps.length ? ps.map((p) => h('li', { 'data-version': p.version, 'data-active': p.active ? 'true' : 'false' },
        h('strong', { text: 'v' + p.version }), ' ', p.active ? h('span', { class: 'badge s-WORKING', text: 'active' }) : '',
        ' ', h('span', { class: 'hint', text: p.model + ', temperature ' + p.temperature + ' – ' + String(p.systemPrompt || '').slice(0, 80) }), ' ',
        p.active ? null : h('button', { type: 'button', class: 'secondary', text: 'Activate v' + p.version, onclick: async () => {
          try { await api('POST', base + '/prompts/' + p.version + '/activate'); load(); } catch (err) { toast(err.message); }
        } }))) : [h('li', { class: 'hint', text: 'No prompt versions yet.' })]));
    }
    load();
    return box;
  }

  // A line diff (longest common subsequence), enough for knowledge texts of a few thousand lines.
  function diff(a, b) {
    const x = a.split('\n'), y = b.split('\n');
    if (x.length * y.length > 4e6) return [{ op: '!', line: 'too large to compare line by line' }];
    const n = x.length, m = y.length, t = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i][j] = x[i] === y[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
    const out = [];
    let i = 0, j = 0;
    while (i < n && j < m) {
      if (x[i] === y[j]) { out.push({ op: ' ', line: x[i] }); i++; j++; }
      else if (t[i + 1][j] >= t[i][j + 1]) out.push({ op: '-', line: x[i++] });
      else out.push({ op: '+', line: y[j++] });
    }
    while (i < n) out.push({ op: '-', line: x[i++] });
    while (j < m) out.push({ op: '+', line: y[j++] });
    return out;
  }

  function knowledge(base) {
    const box = h('section', { class: 'card', id: 'knowledge' }, h('h2', { text: 'Knowledge' }));
    const id = uid('kn');
    const versions = h('ul');
    const diffOut = h('div', { id: 'knowledge-diff', 'aria-live': 'polite' });
    const form = h('form', { novalidate: true },
      h('label', { for: id, text: 'Knowledge (Markdown: prices, hours, address…)' }),
      h('textarea', { id, name: 'text', class: 'code', 'data-field': 'text' }),
      h('p', { class: 'error', role: 'alert' }),
      h('button', { type: 'submit', text: 'Save knowledge version' }));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try { const r = await api('PUT', base + '/knowledge', { format: 'markdown', text: form.elements.text.value }); showError(form, null); toast('Knowledge saved (version ' + r.version + ')'); load(); } catch (err) { showError(form, err); }
    });
    box.append(form, h('h2', { text: 'Versions' }), versions, diffOut);
    let active = '';
    async function load() {
      try {
        const k = await api('GET', base + '/knowledge');
        active = k.text || '';
        form.elements.text.value = active;
        const vs = await api('GET', base + '/knowledge/versions');
        const list = Array.isArray(vs) ? vs : (vs.versions || []);
        versions.replaceChildren(...list.map((v) => h('li', {},
          h('strong', { text: 'v' + v.version }), v.active ? h('span', { class: 'badge s-WORKING', text: 'active' }) : ' ',
          ' ', h('span', { class: 'hint', text: fmtTime(v.createdAt) + (v.chunks != null ? ' · ' + v.chunks + ' chunks' : '') }), ' ',
          v.active ? null : h('span', { class: 'actions' },
            h('button', { type: 'button', class: 'secondary', text: 'Diff v' + v.version + ' with the active text', onclick: () => showDiff(v) }),
            h('button', { type: 'button', class: 'secondary', text: 'Restore v' + v.version, onclick: async () => {
              try { await api('POST', base + '/knowledge/versions/' + v.version + '/restore'); toast('Restored v' + v.version); load(); } catch (err) { toast(err.message); }
            } })))));
      } catch (err) { versions.replaceChildren(h('li', { class: 'error', text: err.message })); }
    }
    async function showDiff(v) {
      let old;
      try { old = (await api('GET', base + '/knowledge/versions/' + v.version)).text || ''; } catch (err) { toast(err.message); return; }
      diffOut.replaceChildren(h('h3', { text: 'Changes from v' + v.version + ' to the active text' }),
        h('div', { class: 'diff' }, diff(old, active).filter((d) => d.op !== ' ').map((d) => h('span', { class: d.op === '+' ? 'add' : 'del', text: d.op + ' ' + d.line }))));
    }
    load();
    return box;
  }

  // ---- webhooks ---------------------------------------------------------------------------------------
  async function webhooks(root, q) {
    root.append(h('h1', { text: 'Webhooks' }));
    const list = await sessionNames();
    if (!list.length) { root.append(h('p', { text: 'No sessions yet.' })); return; }
    const out = h('div');
    const select = chooser(root, 'Session', 'session', list.map((s) => s.name), q, () => load());
    root.append(out);
    async function load() {
      const name = select.value;
      let r;
      try { r = await api('GET', '/api/' + encodeURIComponent(name) + '/webhooks/deliveries?limit=200'); } catch (err) { out.replaceChildren(h('p', { class: 'error', text: err.message })); return; }
      const counts = Object.entries(r.counts || {}).map(([k, v]) => k + ': ' + v).join(' · ') || 'no deliveries yet';
      const dead = r.deliveries.filter((d) => d.status === 'dead');
      const row = (d) => h('tr', {},
        h('td', { 'data-label': 'Event', text: d.event }), h('td', { 'data-label': 'URL', text: d.url }),
        h('td', { 'data-label': 'Status' }, h('span', { class: 'badge ' + (d.status === 'dead' ? 's-FAILED' : d.status === 'delivered' ? 's-WORKING' : 's-STARTING'), text: d.status })),
        h('td', { 'data-label': 'Attempts', text: d.attempts + '/' + d.maxAttempts }),
        h('td', { 'data-label': 'Last', text: [d.lastHttpStatus, d.lastError].filter(Boolean).join(' ') || '–' }),
        h('td', { 'data-label': 'Created', text: fmtTime(d.createdAt) }),
        h('td', { 'data-label': 'Action' }, d.status === 'dead' ? h('button', { type: 'button', class: 'secondary', text: 'Retry', 'aria-label': 'Retry delivery ' + d.id, onclick: async () => {
          try { await api('POST', '/api/' + encodeURIComponent(name) + '/webhooks/deliveries/' + d.id + '/retry'); toast('Queued again'); load(); } catch (err) { toast(err.message); }
        } }) : ''));
      const table = (rows) => h('table', { class: 'stack' }, h('thead', {}, h('tr', {}, ['Event', 'URL', 'Status', 'Attempts', 'Last error', 'Created', ''].map((t) => h('th', { scope: 'col', text: t })))), h('tbody', {}, rows.map(row)));
      out.replaceChildren(h('p', { id: 'webhook-counts', text: counts }),
        h('h2', { text: 'Dead letters (' + dead.length + ')' }), dead.length ? table(dead) : h('p', { class: 'hint', text: 'None.' }),
        h('h2', { text: 'All deliveries' }), r.deliveries.length ? table(r.deliveries) : h('p', { class: 'hint', text: 'None.' }));
    }
    every(5000, load);
  }

  // ---- usage ------------------------------------------------------------------------------------------
  async function usage(root, q) {
    root.append(h('h1', { text: 'Usage' }));
    const tenants = await tenantChoices();
    if (!tenants.length) { root.append(h('p', { text: 'No tenants.' })); return; }
    const select = chooser(root, 'Tenant', 'tenant', tenants, q, () => load());
    const monthId = uid('month');
    const month = h('input', { id: monthId, type: 'month', 'data-field': 'month', value: new Date().toISOString().slice(0, 7) });
    const form = h('form', { class: 'narrow', novalidate: true }, h('label', { for: monthId, text: 'Month' }), month, h('p', { class: 'error', role: 'alert' }));
    month.addEventListener('change', () => load());
    const out = h('div', { id: 'usage' });
    root.append(form, out);
    async function load() {
      let u;
      try { u = await api('GET', '/api/tenants/' + encodeURIComponent(select.value) + '/usage?month=' + encodeURIComponent(month.value)); showError(form, null); } catch (err) { showError(form, err); return; }
      const a = u.assistant || {};
      const limit = a.quota || 0, used = a.answers || 0;
      const share = limit ? Math.min(100, a.quotaUsedPercent || 0) : 0;
      out.replaceChildren(h('div', { class: 'card kv' },
        h('span', { text: 'Messages in' }), h('strong', { id: 'usage-in', text: u.messagesIn }),
        h('span', { text: 'Messages out' }), h('strong', { id: 'usage-out', text: u.messagesOut }),
        h('span', { text: 'Assistant answers' }), h('strong', { text: used }),
        h('span', { text: 'Escalations' }), h('strong', { text: a.escalations }),
        h('span', { text: 'Tokens (in / out)' }), h('strong', { text: (a.tokensIn || 0) + ' / ' + (a.tokensOut || 0) }),
        h('span', { text: 'Cost' }), h('strong', { text: '$' + Number(a.costUsd || 0).toFixed(4) })),
        h('div', { class: 'card' }, h('h2', { text: 'Quota' }),
          limit ? h('div', { class: 'bar' + (share >= 80 ? ' hot' : ''), role: 'progressbar', 'aria-label': 'Quota used', 'aria-valuemin': 0, 'aria-valuemax': limit, 'aria-valuenow': Math.min(used, limit), 'aria-valuetext': used + ' of ' + limit + ' answers' }, h('span'))
            : h('p', { class: 'hint', text: 'No monthly quota set.' }),
          limit ? h('p', { id: 'quota-text', text: used + ' of ' + limit + ' assistant answers this month (' + share + ' %)' }) : null));
      const bar = out.querySelector('.bar > span');
      if (bar) bar.style.width = share + '%';
    }
    load();
  }

  // ---- cluster ----------------------------------------------------------------------------------------
  function spark(values, max) {
    const w = 120, hgt = 28, top = max || Math.max(1, ...values);
    const pts = values.map((v, i) => (values.length < 2 ? 0 : i * w / (values.length - 1)).toFixed(1) + ',' + (hgt - (v / top) * (hgt - 2) - 1).toFixed(1)).join(' ');
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'spark'); svg.setAttribute('viewBox', '0 0 ' + w + ' ' + hgt); svg.setAttribute('aria-hidden', 'true');
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', pts);
    svg.append(line);
    return svg;
  }

  function cluster(root) {
    root.append(h('h1', { text: 'Cluster' }));
    const nodesTable = h('table', { class: 'stack', id: 'nodes' });
    const assignTable = h('table', { class: 'stack', id: 'assignments' });
    const dialog = h('dialog', { id: 'drain-dialog', 'aria-labelledby': 'drain-title' });
    const breakers = h('p', { id: 'breakers', 'aria-live': 'polite' });
    root.append(h('h2', { text: 'Nodes' }), nodesTable, h('h2', { text: 'Model providers (this node)' }), breakers,
      h('h2', { text: 'Assignments' }), assignTable, dialog);

    function confirmDrain(node) {
      dialog.replaceChildren(h('form', { method: 'dialog' },
        h('h2', { id: 'drain-title', text: 'Drain ' + node.nodeId + '?' }),
        h('p', { text: 'Its ' + (node.sessions || 0) + ' sessions move to the other nodes one at a time, then the node exits.' }),
        h('div', { class: 'actions' },
          h('button', { value: 'cancel', class: 'secondary', text: 'Cancel' }),
          h('button', { value: 'drain', class: 'danger', text: 'Drain ' + node.nodeId }))));
      dialog.onclose = async () => {
        if (dialog.returnValue !== 'drain') return;
        try { await api('POST', '/api/cluster/nodes/' + encodeURIComponent(node.nodeId) + '/drain'); toast(node.nodeId + ' is draining'); } catch (err) { toast(err.message); }
        load();
      };
      dialog.showModal();
    }

    async function load() {
      let nodes, assignments;
      try { [nodes, assignments] = await Promise.all([api('GET', '/api/cluster/nodes'), api('GET', '/api/cluster/assignments')]); } catch (err) { nodesTable.replaceChildren(h('caption', { class: 'error', text: err.message })); return; }
      nodesTable.replaceChildren(
        h('thead', {}, h('tr', {}, ['Node', 'Sessions / capacity', 'Memory', 'CPU', 'Health', 'Recent', ''].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, nodes.map((n) => {
          const hist = (charts[n.nodeId] = (charts[n.nodeId] || []).concat([{ s: n.sessions || 0, c: n.cpuLoad || 0, m: n.heapUsedBytes || 0 }]).slice(-60));
          const used = n.capacity ? Math.round((n.sessions || 0) * 100 / n.capacity) : 0;
          const bar = h('div', { class: 'bar', role: 'img', 'aria-label': (n.sessions || 0) + ' of ' + n.capacity + ' sessions' }, h('span'));
          bar.firstChild.style.width = used + '%';
          return h('tr', { 'data-node': n.nodeId },
            h('td', { 'data-label': 'Node' }, h('strong', { text: n.nodeId }), n.local ? ' (this node)' : '', n.coordinator ? h('div', { class: 'hint', text: 'coordinator' }) : null, h('div', { class: 'hint', text: n.httpUrl })),
            h('td', { 'data-label': 'Sessions' }, (n.sessions || 0) + ' / ' + n.capacity, bar),
            h('td', { 'data-label': 'Memory', text: 'heap ' + fmtBytes(n.heapUsedBytes) + (n.heapMaxBytes ? ' of ' + fmtBytes(n.heapMaxBytes) : '') + ', Chromium ' + fmtBytes(n.chromiumMemoryBytes) }),
            h('td', { 'data-label': 'CPU', text: n.cpuLoad == null || n.cpuLoad < 0 ? '–' : Math.round(n.cpuLoad * 100) + ' %' }),
            h('td', { 'data-label': 'Health' }, n.draining ? h('span', { class: 'badge s-STARTING', 'data-draining': 'true', text: 'draining' }) : h('span', { class: 'badge s-WORKING', text: 'up' }),
              (n.recentStartFailures || n.recentBrowserCrashes) ? h('div', { class: 'error', text: (n.recentStartFailures || 0) + ' failed starts, ' + (n.recentBrowserCrashes || 0) + ' browser crashes recently' }) : null,
              n.healthAt ? h('div', { class: 'hint', text: 'reported ' + fmtTime(n.healthAt) }) : null),
            h('td', { 'data-label': 'Recent' }, h('div', { class: 'hint', text: 'sessions' }), spark(hist.map((x) => x.s)), h('div', { class: 'hint', text: 'CPU' }), spark(hist.map((x) => x.c), 1), h('div', { class: 'hint', text: 'heap' }), spark(hist.map((x) => x.m), n.heapMaxBytes || undefined)),
            h('td', {}, me.clustered && !n.draining ? h('button', { type: 'button', class: 'danger', 'aria-label': 'Drain ' + n.nodeId, text: 'Drain', onclick: () => confirmDrain(n) }) : ''));
        })));
      try {
        const llm = (await api('GET', '/health')).llm || {};
        const named = Object.entries(llm.breakers || {});
        const tenants = llm.tenantBreakers || {};
        const text = !llm.configured && !named.length
          ? 'No node-wide model provider: tenants without their own are answered from their knowledge.'
          : named.map(([name, state]) => name + ': circuit ' + state).join(', ');
        breakers.replaceChildren(h('span', { class: named.some(([, s]) => s !== 'CLOSED') ? 'error' : '', text }),
          h('div', { class: 'hint', text: 'tenants\' own providers: ' + (tenants.CLOSED || 0) + ' closed, ' + (tenants.OPEN || 0) + ' open, ' + (tenants.HALF_OPEN || 0) + ' half-open' }));
      } catch (err) { breakers.replaceChildren(h('span', { class: 'error', text: err.message })); }
      assignTable.replaceChildren(
        h('thead', {}, h('tr', {}, ['Session', 'Assigned to', 'Running on'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, assignments.map((a) => h('tr', {},
          h('td', { 'data-label': 'Session', text: a.session }), h('td', { 'data-label': 'Assigned', text: a.node }), h('td', { 'data-label': 'Running', text: a.runningOn || '–' })))));
    }
    every(3000, load);
  }

  // ---- start ------------------------------------------------------------------------------------------
  (async () => {
    try {
      const r = await fetch('/console/me', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (r.ok) { signedIn(await r.json()); return; }
    } catch (e) { /* not signed in */ }
    signedOut();
  })();
})();
