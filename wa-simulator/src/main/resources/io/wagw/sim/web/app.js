/*
 * The simulated WhatsApp Web page. It reproduces the surface automation libraries use
 * (docs: docs/whatsapp-web-surface.md): the module registry behind window.require, the DOM
 * of each screen, and where a linked session lives in the browser (IndexedDB signal-storage,
 * localStorage WANoiseInfo / last-wid-md / WAWebEncKeySalt). It talks to the simulator over the
 * WebSocket /ws/chat; the frames are listed in wa-simulator/README.md.
 */
(function () {
  'use strict';

  var CONFIG = window.__SIM_CONFIG || {};
  var SIGNAL_DB = 'signal-storage';
  var MODEL_DB = 'model-storage';
  var SIGNAL_STORES = ['identity-store', 'prekey-store', 'signed-prekey-store', 'session-store', 'sender-key-store'];
  var LS_NOISE = 'WANoiseInfo';
  var LS_WID = 'last-wid-md';
  var LS_SALT = 'WAWebEncKeySalt';

  // ---------------------------------------------------------------- Backbone-like models

  function Events() {}
  Events.prototype.on = function (name, fn, ctx) {
    var all = this._events || (this._events = {});
    String(name).split(/\s+/).forEach(function (n) { (all[n] || (all[n] = [])).push({ fn: fn, ctx: ctx }); });
    return this;
  };
  Events.prototype.once = function (name, fn, ctx) {
    var self = this;
    var wrapper = function () { self.off(name, wrapper); return fn.apply(this, arguments); };
    return this.on(name, wrapper, ctx);
  };
  Events.prototype.off = function (name, fn) {
    if (!this._events) return this;
    if (!name) { this._events = {}; return this; }
    var self = this;
    String(name).split(/\s+/).forEach(function (n) {
      if (!fn) { delete self._events[n]; return; }
      self._events[n] = (self._events[n] || []).filter(function (h) { return h.fn !== fn; });
    });
    return this;
  };
  Events.prototype.trigger = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    var handlers = (this._events && this._events[name]) ? this._events[name].slice() : [];
    var allHandlers = (this._events && this._events.all) ? this._events.all.slice() : [];
    var self = this;
    handlers.forEach(function (h) { safeCall(h.fn, h.ctx || self, args); });
    allHandlers.forEach(function (h) { safeCall(h.fn, h.ctx || self, [name].concat(args)); });
    return this;
  };
  Events.prototype.listenTo = function (other, name, fn) { other.on(name, fn, this); return this; };
  Events.prototype.stopListening = function (other, name, fn) { if (other) other.off(name, fn); return this; };

  function safeCall(fn, ctx, args) {
    try { fn.apply(ctx, args); } catch (e) { setTimeout(function () { throw e; }); }
  }

  function inherit(Child, Parent, proto) {
    Child.prototype = Object.create(Parent.prototype);
    Child.prototype.constructor = Child;
    Object.keys(proto || {}).forEach(function (k) { Child.prototype[k] = proto[k]; });
    return Child;
  }

  /** A model: attributes are own properties; set() fires change:<attr> (model, value) and change. */
  function Model(attrs) {
    var self = this;
    Object.keys(attrs || {}).forEach(function (k) { self[k] = attrs[k]; });
  }
  inherit(Model, Events, {
    set: function (key, value) {
      var attrs = {};
      if (typeof key === 'object') attrs = key; else attrs[key] = value;
      var changed = [];
      var self = this;
      Object.keys(attrs).forEach(function (k) {
        if (self[k] !== attrs[k]) { self[k] = attrs[k]; changed.push(k); }
      });
      changed.forEach(function (k) { self.trigger('change:' + k, self, self[k]); });
      if (changed.length) this.trigger('change', this);
      return this;
    },
    get: function (key) { return this[key]; },
    trigger: function (name) {
      Events.prototype.trigger.apply(this, arguments);
      // Model events bubble to the collections holding the model, as in Backbone.
      if (name !== 'add' && name !== 'remove' && this._collections) {
        var args = arguments;
        this._collections.forEach(function (c) { Events.prototype.trigger.apply(c, args); });
      }
      return this;
    }
  });

  function Collection(modelCtor) {
    this._modelCtor = modelCtor;
    this._models = [];
    this._byId = new Map();
  }
  inherit(Collection, Events, {
    _key: function (id) {
      if (id == null) return null;
      if (typeof id === 'string') return id;
      if (id._serialized) return id._serialized;
      if (id.id && id.id._serialized) return id.id._serialized;
      return String(id);
    },
    get: function (id) { return this._byId.get(this._key(id)); },
    has: function (id) { return this._byId.has(this._key(id)); },
    add: function (models, options) {
      var list = Array.isArray(models) ? models : [models];
      var added = [];
      var self = this;
      list.forEach(function (m) {
        var model = (m instanceof Model) ? m : new self._modelCtor(m);
        var key = self._key(model.id);
        if (self._byId.has(key)) return;
        self._byId.set(key, model);
        self._models.push(model);
        (model._collections || (model._collections = [])).push(self);
        if (!model.collection) model.collection = self;
        added.push(model);
      });
      added.forEach(function (model) { self.trigger('add', model, self, options || {}); });
      return Array.isArray(models) ? added : added[0];
    },
    remove: function (id) {
      var model = this.get(id);
      if (!model) return undefined;
      this._byId.delete(this._key(model.id));
      this._models.splice(this._models.indexOf(model), 1);
      model._collections = (model._collections || []).filter(function (c) { return c !== this; }, this);
      this.trigger('remove', model, this);
      return model;
    },
    getModelsArray: function () { return this._models.slice(); },
    toArray: function () { return this._models.slice(); },
    forEach: function (fn, ctx) { this._models.slice().forEach(fn, ctx); },
    filter: function (fn, ctx) { return this._models.filter(fn, ctx); },
    map: function (fn, ctx) { return this._models.map(fn, ctx); },
    last: function () { return this._models[this._models.length - 1]; },
    reset: function () { this._models = []; this._byId = new Map(); }
  });
  Object.defineProperty(Collection.prototype, 'length', { get: function () { return this._models.length; } });
  Object.defineProperty(Collection.prototype, 'models', { get: function () { return this._models.slice(); } });

  // ---------------------------------------------------------------- ids

  /** A WhatsApp id: user@server, e.g. 77011234567@c.us. */
  function Wid(serialized) {
    var s = String(serialized && serialized._serialized ? serialized._serialized : serialized);
    var at = s.indexOf('@');
    if (at <= 0) throw new Error('invalid wid: ' + s);
    this.user = s.substring(0, at);
    this.server = s.substring(at + 1);
    this._serialized = s;
  }
  Wid.prototype.toString = function () { return this._serialized; };
  Wid.prototype.toJSON = function () { return { server: this.server, user: this.user, _serialized: this._serialized }; };
  Wid.prototype.equals = function (o) { return !!o && String(o._serialized || o) === this._serialized; };
  Wid.prototype.isUser = function () { return this.server === 'c.us' || this.server === 'lid'; };
  Wid.prototype.isGroup = function () { return this.server === 'g.us'; };

  function createWid(s) { return s instanceof Wid ? s : new Wid(s); }

  /** The message key: new MsgKey({from, to, id, selfDir: 'out'}) or ({fromMe, remote, id}). */
  function MsgKey(o) {
    if (!o || !o.id) throw new Error('MsgKey needs an id');
    var fromMe = o.fromMe !== undefined ? !!o.fromMe : o.selfDir === 'out';
    var remote = o.remote ? createWid(o.remote) : createWid(fromMe ? o.to : o.from);
    this.fromMe = fromMe;
    this.remote = remote;
    this.id = String(o.id);
    if (o.participant) this.participant = createWid(o.participant);
    this._serialized = String(fromMe) + '_' + remote._serialized + '_' + this.id;
  }
  MsgKey.prototype.toString = function () { return this._serialized; };
  MsgKey.prototype.toJSON = function () {
    return { fromMe: this.fromMe, remote: this.remote.toJSON(), id: this.id, _serialized: this._serialized };
  };
  MsgKey.prototype.equals = function (o) { return !!o && String(o._serialized || o) === this._serialized; };
  MsgKey.newId = function () { return Promise.resolve(newMsgId()); };
  MsgKey.newId_DEPRECATED = newMsgId;
  MsgKey.fromString = function (s) {
    var first = s.indexOf('_');
    var last = s.lastIndexOf('_');
    return new MsgKey({ fromMe: s.substring(0, first) === 'true', remote: s.substring(first + 1, last), id: s.substring(last + 1) });
  };
  MsgKey.default = MsgKey;

  function newMsgId() { return '3EB0' + hex(8).toUpperCase(); }

  function hex(bytes) {
    var b = new Uint8Array(bytes);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  // ---------------------------------------------------------------- the module surface

  function MsgModel(attrs) { Model.call(this, attrs); }
  inherit(MsgModel, Model, {
    serialize: function () {
      var wid = function (w) { return w && w.toJSON ? w.toJSON() : w; };
      return {
        id: this.id.toJSON(), body: this.body, type: this.type, t: this.t, from: wid(this.from), to: wid(this.to),
        notifyName: this.notifyName, ack: this.ack, isNewMsg: this.isNewMsg, self: this.self, local: !!this.local
      };
    }
  });

  function ChatModel(attrs) {
    Model.call(this, attrs);
    this.id = createWid(this.id);
    if (this.unreadCount === undefined) this.unreadCount = 0;
    this.formattedTitle = this.name;
    this.msgs = new Collection(MsgModel);
  }
  inherit(ChatModel, Model, {
    serialize: function () {
      return { id: this.id.toJSON(), name: this.name, unreadCount: this.unreadCount, t: this.t };
    }
  });

  var STATES = ['OPENING', 'PAIRING', 'UNPAIRED', 'UNPAIRED_IDLE', 'CONNECTED', 'TIMEOUT', 'CONFLICT', 'UNLAUNCHED',
    'PROXYBLOCK', 'TOS_BLOCK', 'SMB_TOS_BLOCK', 'DEPRECATED_VERSION'];
  var SOCKET_STATE = {};
  STATES.forEach(function (s) { SOCKET_STATE[s] = s; });

  var Socket = new Model({ state: 'UNLAUNCHED', hasSynced: false, stream: 'DISCONNECTED' });
  Socket.takeover = function () { takeover(); };
  Socket.logout = function () { logout('user'); };

  var Conn = new Model({ ref: null, wid: null, pushname: null, platform: 'web', isSMB: false });
  var Cmd = new Model({});
  Cmd.refreshQR = function () { refreshQR(); };
  Cmd.logout = function () { logout('user'); };

  var Msg = new Collection(MsgModel);
  var Chat = new Collection(ChatModel);
  Chat.find = function (wid) {
    var w = createWid(wid);
    var existing = Chat.get(w);
    if (existing) return Promise.resolve(existing);
    return request({ type: 'exists', phone: w.user }).then(function (r) {
      if (!r.exists) throw new Error('wid not found: ' + w._serialized);
      return Chat.get(w) || Chat.add({ id: w, name: r.pushName || ('+' + w.user), unreadCount: 0, t: 0 });
    });
  };
  Chat.findImpl = Chat.find;

  var modules = {
    WAWebSocketModel: { Socket: Socket, SOCKET_STATE: SOCKET_STATE },
    WAWebConnModel: { Conn: Conn },
    WAWebCmd: { Cmd: Cmd },
    WAWebCollections: { Msg: Msg, Chat: Chat },
    WAWebSendMsgChatAction: { addAndSendMsgToChat: addAndSendMsgToChat },
    WAWebMsgKey: MsgKey,
    WAWebWidFactory: { createWid: createWid, createUserWid: function (u) { return createWid(String(u) + '@c.us'); } },
    // Typing indicator and read receipts, as the real page's chat-state and unread-chat modules offer them.
    WAWebChatStateBridge: {
      sendChatStateComposing: function (wid) { return chatState(wid, 'composing'); },
      sendChatStateRecording: function (wid) { return chatState(wid, 'recording'); },
      sendChatStatePaused: function (wid) { return chatState(wid, 'paused'); }
    },
    WAWebUpdateUnreadChatAction: {
      sendSeen: function (arg) {
        var chat = arg && arg.chat ? arg.chat : arg;
        if (!chat || !chat.id) return Promise.reject(new Error('sendSeen needs a chat'));
        chat.set('unreadCount', 0);
        transmit({ type: 'seen', chat: createWid(chat.id).user });
        return Promise.resolve();
      }
    }
  };
  function chatState(wid, state) {
    transmit({ type: 'chatstate', chat: createWid(wid).user, state: state });
    return Promise.resolve();
  }
  // Faults.queuedAsHistory: the real page loads its modules lazily, so a page that starts linked may apply
  // its first history sync (with what waited for it offline) before any script can require them.
  var modulesLocked = !!CONFIG.modulesAfterSync;
  window.require = function (name) {
    if (modulesLocked || !Object.prototype.hasOwnProperty.call(modules, name)) throw new Error("Cannot find module '" + name + "'");
    return modules[name];
  };

  // ---------------------------------------------------------------- storage (where the session lives)

  function idbOpen(name, stores) {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(name, 1);
      req.onupgradeneeded = function () {
        stores.forEach(function (s) { if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s); });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function idb(name, stores, store, mode, fn) {
    return idbOpen(name, stores).then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        var req = fn(tx.objectStore(store));
        if (req) req.onsuccess = function () { result = req.result; };
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function signalGet(key) {
    return idb(SIGNAL_DB, SIGNAL_STORES, 'identity-store', 'readonly', function (s) { return s.get(key); });
  }

  function signalPut(store, key, value) {
    return idb(SIGNAL_DB, SIGNAL_STORES, store, 'readwrite', function (s) { return s.put(value, key); });
  }

  function randomBuffer(n) {
    var b = new Uint8Array(n);
    crypto.getRandomValues(b);
    return b.buffer;
  }

  function b64(buffer) {
    var bytes = new Uint8Array(buffer);
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }

  /** The key material a page has before it is linked: created once, shown in the QR. */
  function loadOrCreateKeys() {
    var noise = null;
    try { noise = JSON.parse(localStorage.getItem(LS_NOISE) || 'null'); } catch (e) { noise = null; }
    return signalGet('identity-key').then(function (identity) {
      if (noise && noise.staticKeyPair && noise.advSecretKey && identity && identity.pubKey instanceof ArrayBuffer) {
        return { noisePub: noise.staticKeyPair.pubKey, identityPub: b64(identity.pubKey), advSecret: noise.advSecretKey };
      }
      var noisePair = { pubKey: b64(randomBuffer(32)), privKey: b64(randomBuffer(32)) };
      var identityPair = { pubKey: randomBuffer(32), privKey: randomBuffer(32) };
      var adv = b64(randomBuffer(32));
      localStorage.setItem(LS_NOISE, JSON.stringify({ staticKeyPair: noisePair, advSecretKey: adv, routingInfo: null }));
      return signalPut('identity-store', 'identity-key', identityPair)
        .then(function () { return signalPut('signed-prekey-store', 1, { keyId: 1, keyPair: { pubKey: randomBuffer(33), privKey: randomBuffer(32) }, signature: randomBuffer(64) }); })
        .then(function () { return { noisePub: noisePair.pubKey, identityPub: b64(identityPair.pubKey), advSecret: adv }; });
    });
  }

  /** The linked-device credentials, or null when this browser is not linked. */
  function loadCredentials() {
    var lastWid = null;
    try { lastWid = JSON.parse(localStorage.getItem(LS_WID) || 'null'); } catch (e) { lastWid = null; }
    if (!lastWid || !localStorage.getItem(LS_NOISE)) return Promise.resolve(null);
    return signalGet('registration').then(function (reg) {
      if (!reg || !(reg.secret instanceof ArrayBuffer) || !reg.device) return null;
      return { device: reg.device, secret: b64(reg.secret), lastWid: lastWid };
    });
  }

  function saveCredentials(f) {
    var raw = atob(f.secret);
    var secret = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) secret[i] = raw.charCodeAt(i);
    return signalPut('identity-store', 'registration', {
      device: f.device, wid: f.wid, pushname: f.pushname, platform: f.platform, secret: secret.buffer,
      registrationId: Math.floor(Math.random() * 16380) + 1
    }).then(function () {
      localStorage.setItem(LS_WID, JSON.stringify(f.mdWid));
      localStorage.setItem(LS_SALT, b64(randomBuffer(32)));
      return idb(MODEL_DB, ['chat', 'message', 'contact'], 'contact', 'readwrite', function (s) {
        return s.put({ id: f.wid, pushname: f.pushname }, f.wid);
      });
    });
  }

  function deleteDb(name) {
    return new Promise(function (resolve) {
      var req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
    });
  }

  /** Logging out wipes everything the session kept in this browser. */
  function wipeCredentials() {
    [LS_NOISE, LS_WID, LS_SALT].forEach(function (k) { localStorage.removeItem(k); });
    return Promise.all([deleteDb(SIGNAL_DB), deleteDb(MODEL_DB)]);
  }

  // ---------------------------------------------------------------- connection to the simulator

  var ws = null;
  var keys = null;
  var credentials = null;
  var reconnectDelay = 250;
  var reconnectTimer = null;
  var rid = 0;
  var pendingRequests = new Map();
  var pendingSends = new Map();
  var loggingOut = false;
  var view = { screen: 'startup', mode: 'qr', payload: null, matrix: null, code: null, codeError: null, openChat: null, popup: null };

  function connect() {
    if (reconnectTimer) { clearTimeout(reconnectTimer); reconnectTimer = null; }
    if (Socket.state !== 'CONFLICT') Socket.set('state', 'OPENING');
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/chat';
    var socket = new WebSocket(url);
    ws = socket;
    socket.onopen = function () {
      reconnectDelay = 250;
      Socket.set('stream', 'CONNECTED');
      if (credentials) {
        transmit({ type: 'login', device: credentials.device, secret: credentials.secret, noisePub: keys.noisePub,
          identityPub: keys.identityPub, synced: Socket.hasSynced });
      } else {
        transmit({ type: 'hello', keys: keys });
      }
    };
    socket.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      handle(f);
    };
    socket.onclose = function () {
      if (ws !== socket) return;
      ws = null;
      Socket.set('stream', 'DISCONNECTED');
      if (loggingOut) return;
      if (Socket.state === 'CONFLICT') return;
      if (Socket.state === 'CONNECTED' || Socket.state === 'PAIRING') Socket.set('state', 'TIMEOUT');
      reconnectTimer = setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 4000);
    };
  }

  function transmit(frame) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function request(frame) {
    return new Promise(function (resolve, reject) {
      var id = ++rid;
      frame.rid = id;
      pendingRequests.set(id, { resolve: resolve, reject: reject });
      if (!transmit(frame)) { pendingRequests.delete(id); reject(new Error('not connected')); }
    });
  }

  function handle(f) {
    switch (f.type) {
      case 'qr':
        view.mode = 'qr'; view.payload = f.payload; view.matrix = f.matrix; view.screen = 'landing';
        Conn.set('ref', f.ref);
        Socket.set('state', 'UNPAIRED');
        render();
        break;
      case 'qr-idle':
        Socket.set('state', 'UNPAIRED_IDLE');
        render();
        break;
      case 'link-code':
        view.mode = 'code'; view.code = f.code; view.codeError = null; view.screen = 'landing';
        Socket.set('state', 'UNPAIRED');
        render();
        break;
      case 'link-code-idle':
        view.code = null;
        Socket.set('state', 'UNPAIRED_IDLE');
        render();
        break;
      case 'link-code-error':
        view.mode = 'phone'; view.codeError = f.message;
        render();
        break;
      case 'paired':
        Socket.set('state', 'PAIRING');
        view.screen = 'progress';
        render();
        saveCredentials(f).then(function () {
          credentials = { device: f.device, secret: f.secret, lastWid: f.mdWid };
          transmit({ type: 'login', device: f.device, secret: f.secret, noisePub: keys.noisePub, identityPub: keys.identityPub, synced: false });
        });
        break;
      case 'welcome':
        Conn.set({ wid: createWid(f.wid), pushname: f.pushname });
        Socket.set('state', 'CONNECTED');
        if (!Socket.hasSynced) { view.screen = 'progress'; startProgress(f.syncMs); }
        else view.screen = 'main';
        render();
        resendPending();
        break;
      case 'sync':
        applySync(f);
        break;
      case 'msg':
        receive(f);
        break;
      case 'ack': {
        var m = Msg.get(f.id);
        if (m && f.ack > m.ack) { m.set('ack', f.ack); renderTick(m); }
        break;
      }
      case 'send-result':
        sendResult(f);
        break;
      case 'exists': {
        var p = pendingRequests.get(f.rid);
        if (p) { pendingRequests.delete(f.rid); p.resolve(f); }
        break;
      }
      case 'conflict':
        Socket.set('state', 'CONFLICT');
        view.screen = 'conflict';
        render();
        break;
      case 'logged-out':
      case 'login-refused':
        loggedOut(f.reason || f.type);
        break;
      case 'error': {
        var pr = f.rid != null ? pendingRequests.get(f.rid) : null;
        if (pr) { pendingRequests.delete(f.rid); pr.reject(new Error(f.message)); }
        else if (window.console) console.warn('simulator:', f.message);
        break;
      }
      default:
        break;
    }
  }

  function refreshQR() {
    if (Socket.state !== 'UNPAIRED' && Socket.state !== 'UNPAIRED_IDLE') return;
    view.mode = 'qr'; view.payload = null; view.matrix = null;
    render();
    transmit({ type: 'qr-refresh' });
  }

  function takeover() {
    if (Socket.state !== 'CONFLICT') return;
    if (ws && ws.readyState === WebSocket.OPEN) transmit({ type: 'takeover' });
    else { Socket.set('state', 'OPENING'); connect(); }
  }

  function logout(reason) {
    if (loggingOut) return;
    transmit({ type: 'logout' });
    loggedOut(reason);
  }

  function loggedOut(reason) {
    if (loggingOut) return;
    loggingOut = true;
    modulesLocked = false;
    credentials = null;
    Socket.set('state', 'UNPAIRED');
    Cmd.trigger('logout', reason);
    wipeCredentials().then(function () {
      // A short pause lets listeners of the logout events hear them before the page reloads.
      setTimeout(function () {
        if (ws) { try { ws.close(); } catch (e) { /* closing anyway */ } }
        location.replace('/?post_logout=1');
      }, 300);
    });
  }

  // ---------------------------------------------------------------- messages

  function messageModel(f) {
    return new MsgModel({
      id: new MsgKey({ fromMe: f.id.fromMe, remote: f.id.remote, id: f.id.id }),
      // a live 'msg' frame's own type field names the frame; the message's type travels as msgType
      body: f.body, type: f.msgType || f.type || 'chat', t: f.t, from: createWid(f.from), to: createWid(f.to),
      notifyName: f.notifyName, ack: f.ack, isNewMsg: !!f.isNewMsg, self: f.id.fromMe ? 'out' : 'in', local: false
    });
  }

  function chatFor(wid, name) {
    var chat = Chat.get(wid);
    if (!chat) chat = Chat.add({ id: wid, name: name || ('+' + createWid(wid).user), unreadCount: 0, t: 0 });
    return chat;
  }

  function applySync(f) {
    (f.chats || []).forEach(function (c) {
      var chat = Chat.get(c.id);
      if (!chat) Chat.add({ id: c.id, name: c.name, unreadCount: c.unreadCount, t: c.t });
    });
    (f.messages || []).forEach(function (mf) {
      if (Msg.get(mf.id._serialized)) return;
      var m = messageModel(mf);
      Msg.add(m);
      chatFor(m.id.remote).msgs.add(m);
    });
    stopProgress();
    view.screen = 'main';
    Socket.set('hasSynced', true);
    modulesLocked = false;
    render();
    openDeepLink();
  }

  function receive(f) {
    if (!Msg.get(f.id._serialized)) {
      var m = messageModel(f);
      var chat = chatFor(m.id.remote, f.notifyName);
      Msg.add(m);
      chat.msgs.add(m);
      chat.set('t', m.t);
      if (view.openChat === chat && document.visibilityState !== 'hidden') transmit({ type: 'seen', chat: chat.id.user });
      else chat.set('unreadCount', chat.unreadCount + 1);
      renderNewMessage(chat, m);
    }
    transmit({ type: 'recv-ack', seq: f.seq });
  }

  /** WAWebSendMsgChatAction.addAndSendMsgToChat: returns [msgPromise, sendResultPromise]. */
  function addAndSendMsgToChat(chat, msgData) {
    var chatModel = chat instanceof ChatModel ? chat : chatFor(createWid(chat && chat.id ? chat.id : chat));
    var data = msgData || {};
    var key = data.id instanceof MsgKey ? data.id
      : new MsgKey({ fromMe: true, remote: chatModel.id, id: (data.id && data.id.id) || data.id || newMsgId() });
    var body = data.body == null ? '' : String(data.body);
    var msg = new MsgModel({
      id: key, body: body, type: data.type || 'chat', t: data.t || Math.floor(Date.now() / 1000),
      from: Conn.wid, to: chatModel.id, notifyName: Conn.pushname, ack: 0, isNewMsg: true, self: 'out', local: true
    });
    var existing = Msg.get(key);
    if (existing) return [Promise.resolve(existing), Promise.resolve({ messageSendResult: 'OK' })];
    Msg.add(msg);
    chatModel.msgs.add(msg);
    chatModel.set('t', msg.t);
    renderNewMessage(chatModel, msg);
    var sendResultPromise;
    if (msg.type !== 'chat' || !body) {
      msg.set('ack', -1);
      sendResultPromise = Promise.resolve({ messageSendResult: 'ERROR_UNKNOWN', error: 'only non-empty text messages are simulated' });
    } else {
      sendResultPromise = new Promise(function (resolve) {
        pendingSends.set(key._serialized, { resolve: resolve, frame: { type: 'send', id: key.id, to: chatModel.id.user, body: body } });
      });
      transmit(pendingSends.get(key._serialized).frame);
    }
    return [Promise.resolve(msg), sendResultPromise];
  }

  function sendResult(f) {
    var pending = pendingSends.get(f.id);
    if (f.error === 'not_connected') return; // resent on the next welcome
    var m = Msg.get(f.id);
    if (m && (f.ack > m.ack || f.ack < 0)) { m.set('ack', f.ack); renderTick(m); }
    if (pending) {
      pendingSends.delete(f.id);
      pending.resolve(f.ok ? { messageSendResult: 'OK', t: f.t } : { messageSendResult: 'ERROR_UNKNOWN', error: f.error });
    }
  }

  function resendPending() {
    pendingSends.forEach(function (p) { transmit(p.frame); });
  }

  function sendFromComposer() {
    var box = document.querySelector('footer div[contenteditable="true"][role="textbox"]');
    if (!box || !view.openChat) return;
    var text = box.innerText.replace(/\n$/, '');
    if (!text.trim()) return;
    box.textContent = '';
    renderSendButton();
    addAndSendMsgToChat(view.openChat, { body: text, type: 'chat' });
  }

  // ---------------------------------------------------------------- deep link /send?phone=&text=

  function openDeepLink() {
    if (location.pathname !== '/send' || view.deepLinkDone) return;
    view.deepLinkDone = true;
    var params = new URLSearchParams(location.search);
    var phone = (params.get('phone') || '').replace(/[^0-9]/g, '');
    var text = params.get('text') || '';
    if (!/^[1-9][0-9]{6,14}$/.test(phone)) { showInvalidNumber(); return; }
    Chat.find(phone + '@c.us').then(function (chat) {
      openChat(chat);
      var box = document.querySelector('footer div[contenteditable="true"][role="textbox"]');
      if (box && text) { box.textContent = text; renderSendButton(); placeCaretAtEnd(box); }
    }, function () { showInvalidNumber(); });
  }

  function showInvalidNumber() {
    view.popup = 'Phone number shared via url is invalid.';
    render();
  }

  // ---------------------------------------------------------------- page weight

  /** Keeps CONFIG.pageWeightMb MB of live JS heap, as the real page's memory footprint. */
  function holdPageWeight(mb) {
    var ballast = [];
    var seed = 12345;
    for (var i = 0; i < mb; i++) {
      // 131072 doubles = 1 MiB in a packed double array on the V8 heap, every page touched.
      var arr = new Array(131072);
      for (var j = 0; j < arr.length; j++) { seed = (seed * 1103515245 + 12345) % 2147483648; arr[j] = seed / 7 + 0.5; }
      ballast.push(arr);
    }
    window.__simPageWeight = { mb: mb, bytes: mb * 1048576, ballast: ballast };
  }

  // ---------------------------------------------------------------- rendering

  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v == null || v === false) return;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.indexOf('on') === 0) el.addEventListener(k.substring(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      (Array.isArray(c) ? c : [c]).forEach(function (x) {
        if (x != null && x !== false) el.appendChild(typeof x === 'string' ? document.createTextNode(x) : x);
      });
    }
    return el;
  }

  function root() { return document.querySelector('#app .app-wrapper-web'); }

  function render() {
    var r = root();
    r.textContent = '';
    if (view.screen === 'startup') r.appendChild(h('div', { class: 'startup' }, h('div', { class: 'logo' })));
    else if (view.screen === 'landing') r.appendChild(renderLanding());
    else if (view.screen === 'progress') r.appendChild(renderProgress());
    else if (view.screen === 'conflict') r.appendChild(renderConflict());
    else if (view.screen === 'main') r.appendChild(renderMain());
    if (view.popup) r.appendChild(renderPopup());
  }

  function renderLanding() {
    var idle = Socket.state === 'UNPAIRED_IDLE';
    var box;
    if (view.mode === 'qr') {
      var qrAttrs = { class: 'qr-container' + (idle ? ' idle' : '') };
      if (view.payload) qrAttrs['data-ref'] = view.payload;
      var canvas = h('canvas', { 'aria-label': 'Scan this QR code to link a device!', role: 'img', width: 264, height: 264 });
      var inner = [view.payload ? canvas : h('span', { class: 'spinner', 'data-icon': 'spinner' })];
      if (idle) {
        inner.push(h('button', { class: 'reload', type: 'button', onclick: function () { Cmd.refreshQR(); } },
          h('div', { class: 'reload-icon' }, h('span', { 'data-icon': 'refresh-large' })),
          h('div', { class: 'reload-text' }, 'Click to reload QR code')));
      }
      var container = h('div', qrAttrs, inner);
      if (view.payload) drawQr(canvas, view.matrix);
      box = h('div', { class: 'landing-main' },
        h('h1', { class: 'landing-title' }, 'Log into WhatsApp Web'),
        h('div', { class: 'landing-cols' },
          h('ol', { class: 'instructions' },
            h('li', null, 'Open WhatsApp on your phone'),
            h('li', null, 'Tap Menu or Settings and select Linked devices'),
            h('li', null, 'Tap on Link a device'),
            h('li', null, 'Point your phone to this screen to capture the QR code')),
          container),
        h('button', { class: 'link-phone', type: 'button', onclick: function () { view.mode = 'phone'; view.codeError = null; render(); } },
          'Link with phone number'));
    } else if (view.mode === 'phone') {
      var input = h('input', { 'aria-label': 'Type your phone number.', type: 'text', inputmode: 'tel', value: '+', class: 'phone-input' });
      box = h('div', { class: 'landing-main phone' },
        h('h1', { class: 'landing-title' }, 'Enter phone number'),
        h('div', { class: 'hint' }, 'Select a country and enter your phone number.'),
        h('form', { onsubmit: function (e) {
          e.preventDefault();
          var digits = input.value.replace(/[^0-9]/g, '');
          view.codePhone = digits;
          transmit({ type: 'link-code', phone: digits });
        } }, input, h('button', { type: 'submit', class: 'next' }, h('div', null, 'Next'))),
        view.codeError ? h('div', { class: 'error', role: 'alert' }, view.codeError) : null,
        h('button', { class: 'link-qr', type: 'button', onclick: function () { backToQr(); } }, 'Link with QR code'));
    } else {
      var codeBox;
      if (view.code && !idle) {
        var chars = view.code.split('');
        var spans = [];
        chars.forEach(function (c, i) {
          if (i === 4) spans.push(h('span', { class: 'sep' }, '-'));
          spans.push(h('span', { class: 'code-char' }, c));
        });
        codeBox = h('div', { class: 'link-code', 'data-link-code': chars.join(','), 'aria-details': 'link-device-phone-number-code-screen-instructions' }, spans);
      } else {
        codeBox = h('button', { class: 'reload', type: 'button', onclick: function () { transmit({ type: 'link-code', phone: view.codePhone }); } },
          h('div', { class: 'reload-icon' }, h('span', { 'data-icon': 'refresh-large' })),
          h('div', { class: 'reload-text' }, 'Click to reload code'));
      }
      box = h('div', { class: 'landing-main code' },
        h('h1', { class: 'landing-title' }, 'Enter code on phone'),
        codeBox,
        h('ol', { id: 'link-device-phone-number-code-screen-instructions', class: 'instructions' },
          h('li', null, 'Open WhatsApp on your phone'),
          h('li', null, 'Tap Menu or Settings and select Linked devices'),
          h('li', null, 'Tap Link a device, then Link with phone number instead'),
          h('li', null, 'Enter this code on your phone')),
        h('button', { class: 'link-qr', type: 'button', onclick: function () { backToQr(); } }, 'Link with QR code'));
    }
    return h('div', { class: 'landing-wrapper' }, h('div', { class: 'landing-header' }, 'WhatsApp'), box);
  }

  function backToQr() {
    view.mode = 'qr'; view.payload = null; view.matrix = null;
    render();
    transmit({ type: 'hello', keys: keys });
  }

  function drawQr(canvas, matrix) {
    var ctx = canvas.getContext('2d');
    var n = matrix.length;
    var quiet = 4;
    var scale = Math.max(1, Math.floor(canvas.width / (n + 2 * quiet)));
    var offset = Math.floor((canvas.width - n * scale) / 2);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#122e31';
    for (var y = 0; y < n; y++) {
      var row = matrix[y];
      for (var x = 0; x < n; x++) if (row.charAt(x) === '1') ctx.fillRect(offset + x * scale, offset + y * scale, scale, scale);
    }
  }

  var progressTimer = null;
  var progressValue = 0;
  function startProgress(ms) {
    stopProgress();
    progressValue = 0;
    var step = Math.max(50, Math.floor((ms || 1000) / 20));
    progressTimer = setInterval(function () {
      progressValue = Math.min(95, progressValue + 5);
      var p = document.querySelector('progress');
      if (p) p.value = progressValue;
    }, step);
  }
  function stopProgress() { if (progressTimer) { clearInterval(progressTimer); progressTimer = null; } }

  function renderProgress() {
    return h('div', { class: 'progress-screen', id: 'startup-progress' },
      h('div', { class: 'logo' }),
      h('div', { class: 'progress-title' }, 'Loading your chats'),
      h('progress', { value: progressValue, max: 100 }),
      h('div', { class: 'e2e' }, 'End-to-end encrypted'));
  }

  function renderConflict() {
    return h('div', { class: 'conflict-screen', role: 'dialog' },
      h('div', { class: 'conflict-text' },
        'WhatsApp is open on another computer or browser. Click "Use Here" to use WhatsApp in this window.'),
      h('div', { class: 'conflict-buttons' },
        h('button', { type: 'button', class: 'logout', onclick: function () { Socket.logout(); } }, h('div', null, 'Log out')),
        h('button', { type: 'button', class: 'takeover', onclick: function () { Socket.takeover(); } }, h('div', null, 'Use here'))));
  }

  function renderPopup() {
    return h('div', { class: 'overlay' },
      h('div', { 'data-animate-modal-popup': 'true', role: 'dialog', class: 'popup' },
        h('div', { class: 'popup-body' }, view.popup),
        h('div', { class: 'popup-buttons' },
          h('button', { type: 'button', onclick: function () { view.popup = null; render(); } }, h('div', null, 'OK')))));
  }

  function sortedChats() {
    return Chat.getModelsArray().sort(function (a, b) { return (b.t || 0) - (a.t || 0); });
  }

  function renderMain() {
    var list = h('div', { 'aria-label': 'Chat list', role: 'grid', 'aria-rowcount': Chat.length });
    sortedChats().forEach(function (chat) { list.appendChild(renderChatRow(chat)); });
    var side = h('div', { id: 'side' },
      h('header', { class: 'side-header' }, h('span', { class: 'me', title: Conn.pushname || '' }, Conn.pushname || '')),
      h('div', { id: 'pane-side' }, list));
    var main = view.openChat ? renderChat(view.openChat)
      : h('div', { class: 'intro' }, h('h1', null, 'WhatsApp Web'), h('div', null, 'Send and receive messages without keeping your phone online.'));
    return h('div', { class: 'two-pane' }, side, main);
  }

  function renderChatRow(chat) {
    var last = chat.msgs.last();
    var unread = chat.unreadCount > 0
      ? h('span', { class: 'unread', 'aria-label': chat.unreadCount + (chat.unreadCount === 1 ? ' unread message' : ' unread messages') }, String(chat.unreadCount))
      : null;
    return h('div', { role: 'listitem', class: 'chat-row' + (view.openChat === chat ? ' selected' : ''), 'data-chat-id': chat.id._serialized,
      onclick: function () { openChat(chat); } },
      h('div', { class: 'cell' },
        h('div', { class: 'cell-top' }, h('span', { dir: 'auto', title: chat.name, class: 'chat-name' }, chat.name),
          h('div', { class: 'chat-time' }, last ? hhmm(last.t) : '')),
        h('div', { class: 'cell-bottom' }, h('span', { class: 'last-msg', title: last ? last.body : '' }, last ? last.body : ''), unread)));
  }

  function openChat(chat) {
    view.openChat = chat;
    if (chat.unreadCount > 0) {
      chat.set('unreadCount', 0);
      transmit({ type: 'seen', chat: chat.id.user });
    }
    view.screen = 'main';
    render();
    var box = document.querySelector('footer div[contenteditable="true"][role="textbox"]');
    if (box) box.focus();
  }

  function renderChat(chat) {
    var rows = h('div', { class: 'message-list', role: 'application', tabindex: '-1' });
    chat.msgs.forEach(function (m) { rows.appendChild(renderBubble(m)); });
    var box = h('div', { contenteditable: 'true', role: 'textbox', 'data-tab': '10', 'aria-placeholder': 'Type a message',
      'aria-label': 'Type a message', spellcheck: 'true', class: 'compose selectable-text copyable-text',
      onkeydown: function (e) { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); sendFromComposer(); } },
      oninput: function () { renderSendButton(); } });
    var footer = h('footer', { class: 'composer' },
      h('div', { class: 'compose-wrap' }, box),
      h('div', { class: 'send-slot' }));
    var main = h('div', { id: 'main' },
      h('header', { class: 'chat-header' }, h('span', { dir: 'auto', title: chat.name, class: 'chat-title' }, chat.name)),
      h('div', { class: 'conversation' }, rows),
      footer);
    setTimeout(function () { renderSendButton(); rows.scrollTop = rows.scrollHeight; });
    return main;
  }

  function renderSendButton() {
    var slot = document.querySelector('#main .send-slot');
    var box = document.querySelector('footer div[contenteditable="true"][role="textbox"]');
    if (!slot || !box) return;
    var hasText = box.textContent.trim().length > 0;
    var current = slot.firstChild;
    if (hasText && current && current.getAttribute('aria-label') === 'Send') return;
    if (!hasText && current && current.getAttribute('aria-label') === 'Voice message') return;
    slot.textContent = '';
    slot.appendChild(hasText
      ? h('button', { type: 'button', 'aria-label': 'Send', class: 'send', onclick: function () { sendFromComposer(); } },
        h('span', { 'data-icon': 'wds-ic-send-filled', 'aria-hidden': 'true' }))
      : h('button', { type: 'button', 'aria-label': 'Voice message', class: 'ptt' }, h('span', { 'data-icon': 'ptt', 'aria-hidden': 'true' })));
  }

  function renderBubble(m) {
    var out = m.id.fromMe;
    var name = out ? (Conn.pushname || '') : (m.notifyName || ('+' + m.id.remote.user));
    var pre = '[' + hhmm(m.t) + ', ' + ddmmyyyy(m.t) + '] ' + name + ': ';
    var meta = h('div', { class: 'msg-meta' }, h('span', { class: 'msg-time-text' }, hhmm(m.t)), out ? tick(m.ack) : null);
    return h('div', { role: 'row' },
      h('div', { 'data-id': m.id._serialized, class: 'msg-wrap' },
        h('div', { class: (out ? 'message-out' : 'message-in') + ' focusable-list-item' },
          h('div', { class: 'bubble' },
            h('div', { class: 'copyable-text', 'data-pre-plain-text': pre },
              h('div', { class: 'msg-text' }, h('span', { dir: 'ltr', class: 'selectable-text copyable-text' }, h('span', null, m.body)))),
            meta))));
  }

  function tick(ack) {
    if (ack < 0) return h('span', { 'data-icon': 'msg-error', 'aria-label': ' Error ', class: 'tick error' });
    if (ack === 0) return h('span', { 'data-icon': 'msg-time', 'aria-label': ' Pending ', class: 'tick' });
    if (ack === 1) return h('span', { 'data-icon': 'msg-check', 'aria-label': ' Sent ', class: 'tick' });
    if (ack === 2) return h('span', { 'data-icon': 'msg-dblcheck', 'aria-label': ' Delivered ', class: 'tick' });
    return h('span', { 'data-icon': 'msg-dblcheck', 'aria-label': ' Read ', class: 'tick read' });
  }

  function renderTick(m) {
    var meta = document.querySelector('div[data-id="' + cssEscape(m.id._serialized) + '"] .msg-meta');
    if (!meta || !m.id.fromMe) return;
    var old = meta.querySelector('.tick');
    var fresh = tick(m.ack);
    if (old) meta.replaceChild(fresh, old); else meta.appendChild(fresh);
  }

  function renderNewMessage(chat, m) {
    if (view.screen !== 'main') return;
    var list = document.querySelector('#pane-side div[aria-label="Chat list"]');
    if (list) {
      list.textContent = '';
      list.setAttribute('aria-rowcount', Chat.length);
      sortedChats().forEach(function (c) { list.appendChild(renderChatRow(c)); });
    }
    if (view.openChat === chat) {
      var rows = document.querySelector('#main .message-list');
      if (rows) { rows.appendChild(renderBubble(m)); rows.scrollTop = rows.scrollHeight; }
    }
  }

  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/"/g, '\\"'); }

  function placeCaretAtEnd(el) {
    el.focus();
    var range = document.createRange();
    range.selectNodeContents(el);
    range.collapse(false);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function hhmm(t) { var d = new Date(t * 1000); return pad(d.getHours()) + ':' + pad(d.getMinutes()); }
  function ddmmyyyy(t) { var d = new Date(t * 1000); return pad(d.getDate()) + '/' + pad(d.getMonth() + 1) + '/' + d.getFullYear(); }

  // ---------------------------------------------------------------- boot

  function boot() {
    Socket.set('state', 'OPENING');
    render();
    holdPageWeight(CONFIG.pageWeightMb || 0);
    loadCredentials().then(function (creds) {
      credentials = creds;
      if (!creds) {
        // Half a session (e.g. a partial snapshot) is no session: start clean.
        localStorage.removeItem(LS_WID);
      }
      return loadOrCreateKeys();
    }).then(function (k) {
      keys = k;
      if (!credentials) { modulesLocked = false; view.screen = 'landing'; render(); }
      connect();
    }, function (e) {
      if (window.console) console.error('storage unavailable', e);
    });
  }

  boot();
})();
