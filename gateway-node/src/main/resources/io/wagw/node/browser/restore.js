// Restores a snapshot's localStorage and IndexedDB inside the page that will use them, before any of the
// page's own scripts run (an init script of the session's context). Playwright's own restore opens a
// separate page per origin for this and costs a restore more CPU than the rest of the context.
// __ORIGINS__ is the snapshot's "origins" array (Playwright's storage-state format: IndexedDB values that
// JSON cannot hold are in Playwright's serialized form, "valueEncoded"/"keyEncoded").
// IndexedDB serves open requests for one database in order, so the page's own open of a database waits
// until the version-change transaction that creates and fills it here has committed.
((origins) => {
  let marked = false;
  try {
    if (location.href === 'about:blank' || window.top !== window) return;
    marked = sessionStorage.getItem('__wagwRestored') === '1';
  } catch (e) {
    return; // no storage in this document
  }
  const state = origins.find((o) => o.origin === location.origin);
  if (marked || !state) return;
  sessionStorage.setItem('__wagwRestored', '1'); // once per tab: a reload (e.g. after a logout) keeps what the app did

  const bytes = (b64) => {
    const raw = atob(b64);
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  };
  const typed = { i8: Int8Array, ui8: Uint8Array, ui8c: Uint8ClampedArray, i16: Int16Array, ui16: Uint16Array,
    i32: Int32Array, ui32: Uint32Array, f32: Float32Array, f64: Float64Array, bi64: BigInt64Array,
    bui64: BigUint64Array };
  const specials = { undefined: undefined, null: null, NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
  // Playwright's serialized value -> the value
  const decode = (v, seen = new Map()) => {
    if (v === null || typeof v !== 'object') return v;
    if ('ref' in v) return seen.get(v.ref);
    if ('v' in v) return specials[v.v];
    if ('d' in v) return new Date(v.d);
    if ('u' in v) return new URL(v.u);
    if ('bi' in v) return BigInt(v.bi);
    if ('r' in v) return new RegExp(v.r.p, v.r.f);
    if ('ab' in v) return bytes(v.ab.b);
    if ('ta' in v) return new typed[v.ta.k](bytes(v.ta.b));
    if ('e' in v) {
      const e = new Error(v.e.m);
      e.name = v.e.n;
      e.stack = v.e.s;
      return e;
    }
    if ('a' in v) {
      const out = [];
      seen.set(v.id, out);
      v.a.forEach((x) => out.push(decode(x, seen)));
      return out;
    }
    if ('o' in v) {
      const out = {};
      seen.set(v.id, out);
      v.o.forEach(({ k, v: x }) => { if (k !== '__proto__') out[k] = decode(x, seen); });
      return out;
    }
    return v;
  };

  (state.localStorage || []).forEach(({ name, value }) => localStorage.setItem(name, value));
  const pending = (state.indexedDB || []).map((db) => new Promise((done) => {
    const open = indexedDB.open(db.name, db.version);
    open.onupgradeneeded = () => {
      // a fresh context: the database does not exist yet; create and fill it in this transaction
      db.stores.forEach((s) => {
        const store = open.result.createObjectStore(s.name, {
          autoIncrement: !!s.autoIncrement,
          keyPath: s.keyPathArray || (s.keyPath === undefined ? null : s.keyPath),
        });
        (s.indexes || []).forEach((i) => store.createIndex(i.name, i.keyPathArray || i.keyPath,
          { unique: !!i.unique, multiEntry: !!i.multiEntry }));
        (s.records || []).forEach((r) => {
          const value = 'value' in r ? r.value : decode(r.valueEncoded);
          try {
            if ('key' in r || 'keyEncoded' in r) store.add(value, 'key' in r ? r.key : decode(r.keyEncoded));
            else store.add(value);
          } catch (e) {
            // Playwright's capture leaves out a falsy out-of-line key (0 or ''): that record cannot come back,
            // the rest of the database still does
            console.warn('restoring a record of ' + db.name + '/' + s.name + ' failed: ' + e.message);
          }
        });
      });
    };
    open.onsuccess = () => {
      open.result.close();
      done();
    };
    open.onerror = () => {
      console.error('restoring IndexedDB ' + db.name + ' failed', open.error);
      done();
    };
  }));
  // Opening a database waits for the restore by itself; listing them does not: the list waits until it is done.
  const databases = IDBFactory.prototype.databases;
  if (pending.length && databases) {
    IDBFactory.prototype.databases = function () {
      return Promise.all(pending).then(() => databases.call(this));
    };
    Promise.all(pending).then(() => { IDBFactory.prototype.databases = databases; });
  }
})(__ORIGINS__);
