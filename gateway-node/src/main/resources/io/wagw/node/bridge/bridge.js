// The WhatsApp Web bridge: the only JavaScript the gateway puts into a WhatsApp Web page.
// It uses what public automation libraries rely on in the real page (see
// docs/whatsapp-web-surface.md): the module surface through window.require for state,
// the QR ref, messages, acks and sending; the DOM only for what libraries read there (the QR
// data-ref, the reload button, the pairing code, readiness). Events go to Java through the
// __wagwEvent binding as JSON strings; commands come in through window.__wagw.
(() => {
  if (window.__wagw || location.href === 'about:blank') return; // not WhatsApp (e.g. a fenced page)

  const emit = (event) => {
    try {
      window.__wagwEvent(JSON.stringify(event));
    } catch (e) {
      // the binding is gone while the page unloads; nothing to report to
    }
  };

  const mod = (name) => {
    try {
      return typeof window.require === 'function' ? window.require(name) : null;
    } catch (e) {
      return null; // not loaded yet
    }
  };

  const serialize = (wid) => (wid && (wid._serialized || String(wid))) || null;

  let hooked = false;
  let lastState = null;
  let lastSynced = null;
  let lastQr = null;
  let lastCode = null;
  let qrIdle = false;
  let readySent = false;

  const reportState = () => {
    const sock = mod('WAWebSocketModel');
    if (!sock) return;
    const state = sock.Socket.state;
    const synced = !!sock.Socket.hasSynced;
    if (state !== lastState || synced !== lastSynced) {
      lastState = state;
      lastSynced = synced;
      emit({ type: 'state', state, hasSynced: synced });
    }
    if (state === 'CONNECTED' && synced && !readySent) {
      const conn = mod('WAWebConnModel').Conn;
      readySent = true;
      unwatchDom();
      emit({ type: 'ready', me: serialize(conn.wid), pushName: conn.pushname || null });
      reconcile();
    }
    if (state !== 'CONNECTED') {
      readySent = false;
      watchDom();
    }
  };

  const reportQr = (ref) => {
    if (ref && ref !== lastQr) {
      lastQr = ref;
      qrIdle = false;
      emit({ type: 'qr', ref });
    }
  };

  // history: a message the page did not receive live (WhatsApp's sync at connect, the offline queue,
  // or one the page held before this script could listen). The node stores it if it is recent and
  // newer than the link, and answers it only if it was never stored.
  const messageEvent = (m, history) => ({
    type: 'message',
    history,
    id: serialize(m.id),
    from: serialize(m.from),
    to: serialize(m.to),
    author: serialize(m.author),
    body: typeof m.body === 'string' ? m.body : '',
    msgType: m.type,
    t: m.t,
    notifyName: m.notifyName || null,
    at: Date.now(), // when the page saw it: lets the node measure its own delivery lag
  });

  // Whenever the page is ready (link, restore, reconnect): every recent incoming message it holds goes
  // to the node, which stores the ones it never saw. Bounded: the node's window is 15 minutes.
  const RECONCILE_WINDOW_S = 15 * 60;
  const RECONCILE_MAX = 500;
  const reconcile = () => {
    const coll = mod('WAWebCollections');
    if (!coll || !coll.Msg) return;
    const all = typeof coll.Msg.getModelsArray === 'function' ? coll.Msg.getModelsArray() : (coll.Msg.models || []);
    const since = Date.now() / 1000 - RECONCILE_WINDOW_S;
    const recent = all.filter((m) => m && m.id && !m.id.fromMe && m.t >= since);
    recent.slice(-RECONCILE_MAX).forEach((m) => emit(messageEvent(m, true)));
  };

  const hook = () => {
    const sock = mod('WAWebSocketModel');
    const conn = mod('WAWebConnModel');
    const coll = mod('WAWebCollections');
    const cmd = mod('WAWebCmd');
    if (!sock || !conn || !coll || !cmd || !sock.Socket || !conn.Conn || !coll.Msg) return false;
    sock.Socket.on('change:state', reportState);
    sock.Socket.on('change:hasSynced', reportState);
    // Conn.ref is only the first part of the payload; the full payload is the DOM's data-ref, which
    // the page renders right after the ref changes.
    conn.Conn.on('change:ref', () => setTimeout(reportQrFromDom, 0));
    coll.Msg.on('add', (m) => {
      if (m && m.id && !m.id.fromMe) emit(messageEvent(m, !m.isNewMsg));
    });
    coll.Msg.on('change:ack', (m) => {
      if (m && m.id && m.id.fromMe) emit({ type: 'ack', id: serialize(m.id), ack: m.ack });
    });
    cmd.Cmd.on('logout', () => emit({ type: 'logout' }));
    hooked = true;
    emit({ type: 'hooked', url: location.href });
    reportState();
    return true;
  };

  // The DOM is what libraries read the QR, the reload button and the pairing code from.
  const reportQrFromDom = () => {
    const holder = document.querySelector('div[data-ref]');
    if (!holder) return false;
    const idle = !!holder.querySelector('button span[data-icon="refresh-large"]');
    if (idle && !qrIdle) {
      qrIdle = true;
      emit({ type: 'qr-idle' });
      return true;
    }
    if (!idle) {
      reportQr(holder.getAttribute('data-ref'));
    }
    return true;
  };

  const reportCodeFromDom = () => {
    const el = document.querySelector('div[data-link-code]');
    const code = el && el.getAttribute('data-link-code');
    if (code && code !== lastCode) {
      lastCode = code;
      emit({ type: 'pairing-code', code: code.split(',').join('') });
    }
  };

  // Watches the DOM for the QR and the pairing code while the page is not connected. A connected page
  // re-renders on every message; it shows no QR, so the observer is off then.
  let observer = null;
  const watchDom = () => {
    if (observer) return;
    observer = new MutationObserver(() => {
      reportQrFromDom();
      reportCodeFromDom();
      if (!hooked) hook();
    });
    observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true,
      attributeFilter: ['data-ref', 'data-link-code'] });
    reportQrFromDom();
  };
  const unwatchDom = () => {
    if (observer) observer.disconnect();
    observer = null;
  };

  const sendText = async (reqId, chatId, text) => {
    try {
      const coll = mod('WAWebCollections');
      const widFactory = mod('WAWebWidFactory');
      const MsgKey = mod('WAWebMsgKey');
      const action = mod('WAWebSendMsgChatAction');
      const conn = mod('WAWebConnModel');
      if (!coll || !widFactory || !MsgKey || !action || !conn) throw new Error('WhatsApp Web modules are not loaded');
      const wid = widFactory.createWid(chatId);
      const chat = coll.Chat.get(wid) || (await coll.Chat.find(wid));
      if (!chat) throw new Error('chat not found');
      const me = conn.Conn.wid;
      const key = new MsgKey({ from: me, to: chat.id, id: await MsgKey.newId(), selfDir: 'out' });
      const [added, result] = action.addAndSendMsgToChat(chat, {
        id: key, body: text, type: 'chat', from: me, to: chat.id, t: Math.floor(Date.now() / 1000),
        ack: 0, local: true, self: 'out', isNewMsg: true,
      });
      await added;
      emit({ type: 'sent', reqId, id: serialize(key) });
      Promise.resolve(result).catch((e) => emit({ type: 'ack', id: serialize(key), ack: -1, error: String(e && e.message || e) }));
    } catch (e) {
      emit({ type: 'send-failed', reqId, error: String((e && e.message) || e) });
    }
  };

  // Typing indicator and read receipts: the chat-state and unread-chat modules of the real page.
  const chatState = async (chatId, typing) => {
    const bridge = mod('WAWebChatStateBridge');
    const wid = mod('WAWebWidFactory').createWid(chatId);
    if (!bridge) return false;
    if (typing) await bridge.sendChatStateComposing(wid);
    else await bridge.sendChatStatePaused(wid);
    return true;
  };

  const sendSeen = async (chatId) => {
    const coll = mod('WAWebCollections');
    const seen = mod('WAWebUpdateUnreadChatAction');
    const wid = mod('WAWebWidFactory').createWid(chatId);
    let chat = coll.Chat.get(wid);
    if (!chat) {
      try {
        chat = await coll.Chat.find(wid);
      } catch (e) {
        return false; // not a WhatsApp user
      }
    }
    if (!seen || !chat) return false;
    await seen.sendSeen({ chat, threadId: undefined });
    return true;
  };

  window.__wagw = {
    sendText: (reqId, chatId, text) => { sendText(reqId, chatId, text); return true; },
    typing: chatState,
    sendSeen,
    state: () => {
      const sock = mod('WAWebSocketModel');
      const conn = mod('WAWebConnModel');
      return {
        hooked,
        state: sock ? sock.Socket.state : null,
        hasSynced: sock ? !!sock.Socket.hasSynced : false,
        me: conn ? serialize(conn.Conn.wid) : null,
        qr: (document.querySelector('div[data-ref]') || { getAttribute: () => null }).getAttribute('data-ref'),
      };
    },
  };

  if (location.search.indexOf('post_logout=1') >= 0) emit({ type: 'logged-out' });
  const start = () => {
    watchDom();
    if (!hook()) {
      const timer = setInterval(() => { if (hooked || hook()) clearInterval(timer); }, 100);
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
