// Holds a page's WebSockets: installed only into a context prepared for a takeover while the previous
// owner's lease runs out. WhatsApp Web then loads (its code, its stored session) but its chat socket
// does not connect; the node calls window.__wagwRelease() once the lease is its own, and every held
// socket connects then. A held socket behaves like one still connecting (readyState CONNECTING; close()
// before the release fails it with 1006, as the platform does). After the release, and on every later
// navigation of the tab (sessionStorage keeps the mark), sockets are the browser's own again.
(() => {
  const MARK = '__wagwReleased';
  if (location.href === 'about:blank') return;
  try {
    if (sessionStorage.getItem(MARK) === '1') return;
  } catch (e) {
    return; // no storage, no way to remember the release: hold nothing
  }
  const Native = window.WebSocket;
  const held = new Set();
  let released = false;

  class HeldWebSocket extends EventTarget {
    constructor(url, protocols) {
      super();
      this._url = new URL(url, location.href).href;
      this._protocols = protocols;
      this._binaryType = 'blob';
      this._ws = null;
      this._failed = false;
      this._handlers = {};
      if (released) this._connect();
      else held.add(this);
    }

    get url() { return this._url; }
    get readyState() { return this._ws ? this._ws.readyState : (this._failed ? 3 : 0); }
    get bufferedAmount() { return this._ws ? this._ws.bufferedAmount : 0; }
    get protocol() { return this._ws ? this._ws.protocol : ''; }
    get extensions() { return this._ws ? this._ws.extensions : ''; }
    get binaryType() { return this._binaryType; }
    set binaryType(v) {
      this._binaryType = v;
      if (this._ws) this._ws.binaryType = v;
    }

    send(data) {
      if (!this._ws) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
      this._ws.send(data);
    }

    close(code, reason) {
      if (this._ws) {
        this._ws.close(code, reason);
        return;
      }
      if (this._failed) return;
      this._failed = true;
      held.delete(this);
      setTimeout(() => {
        this.dispatchEvent(new Event('error'));
        this.dispatchEvent(new CloseEvent('close', { code: 1006, reason: '', wasClean: false }));
      }, 0);
    }

    _connect() {
      const ws = this._protocols === undefined ? new Native(this._url) : new Native(this._url, this._protocols);
      ws.binaryType = this._binaryType;
      this._ws = ws;
      ws.addEventListener('open', () => this.dispatchEvent(new Event('open')));
      ws.addEventListener('error', () => this.dispatchEvent(new Event('error')));
      ws.addEventListener('message', (e) =>
        this.dispatchEvent(new MessageEvent('message', { data: e.data, origin: e.origin })));
      ws.addEventListener('close', (e) =>
        this.dispatchEvent(new CloseEvent('close', { code: e.code, reason: e.reason, wasClean: e.wasClean })));
    }
  }
  // onopen / onmessage / onerror / onclose: listeners in the order they were first set, as on the platform
  for (const type of ['open', 'message', 'error', 'close']) {
    Object.defineProperty(HeldWebSocket.prototype, 'on' + type, {
      configurable: true,
      enumerable: true,
      get() { return this._handlers[type] || null; },
      set(fn) {
        if (!(type in this._handlers)) {
          this.addEventListener(type, (e) => {
            const h = this._handlers[type];
            if (typeof h === 'function') h.call(this, e);
          });
        }
        this._handlers[type] = typeof fn === 'function' ? fn : null;
      },
    });
  }
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach((k, i) => {
    Object.defineProperty(HeldWebSocket, k, { value: i });
    Object.defineProperty(HeldWebSocket.prototype, k, { value: i });
  });

  window.WebSocket = HeldWebSocket;
  Object.defineProperty(window, '__wagwRelease', {
    configurable: true,
    value: () => {
      if (!released) {
        released = true;
        try {
          sessionStorage.setItem(MARK, '1');
        } catch (e) {
          // checked above; a page that lost its storage since only holds again until the next release
        }
        window.WebSocket = Native;
        const waiting = [...held];
        held.clear();
        waiting.forEach((s) => s._connect());
      }
      return true;
    },
  });
})();
