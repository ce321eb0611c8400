// What the lab keeps in this browser (IndexedDB, on this machine only: nothing is sent
// anywhere): the reader's training sessions as they train, and the model the reader made the
// page's own. A session is one press of Train (one run, or two for "Train both"), saved with its
// settings, its curves, its latest pictures and its weights (and, while it can still go on, the
// optimiser's state beside them), so that a reload offers it back.
//
// Where IndexedDB cannot be opened (a private window that refuses it, storage switched off),
// the same calls keep everything in memory for as long as the page is open, and `lasting` says
// so, so the lab can tell the reader that a reload would lose it.

const DB_NAME = 'stations-in-the-stream';
const DB_VERSION = 1;
const SESSIONS = 'lab-sessions';
const SETTINGS = 'settings';
const PAGE_MODEL = 'page-model';
/** How long opening the database may take before the page goes on without it. */
const OPEN_TIMEOUT_MS = 3000;

/**
 * One run of a session as it is kept.
 * @typedef {{config: import('./config.js').LabConfig, state: string, step: number,
 *   ticks: {step: number, loss: number}[], heldOut: {step: number, category: number, orientation: number}[],
 *   latest: any, firstShares: any, activeMs: number, warnings: string[],
 *   weights: Uint8Array | null, optimiser: Uint8Array | null, use?: any}} KeptRun
 */
/**
 * @typedef {{id: string, status: 'running' | 'paused' | 'done', created: number, saved: number, runs: KeptRun[]}} Session
 */
/**
 * The model the reader made the page's own: each wiring's weights and what they are.
 * @typedef {{slots: {wiring: string, bytes: Uint8Array, label: string}[], saved: number}} PageModel
 */

/** @param {IDBRequest} r */
const done = (r) => new Promise((resolve, reject) => {
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});

/** @param {IDBTransaction} tx */
const committed = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve(undefined);
  tx.onabort = () => reject(tx.error ?? new Error('the browser’s storage refused the write'));
  tx.onerror = () => reject(tx.error);
});

/** @returns {Promise<IDBDatabase>} */
function openDatabase() {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the browser’s storage did not open')), OPEN_TIMEOUT_MS);
    const r = indexedDB.open(DB_NAME, DB_VERSION);
    r.onupgradeneeded = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains(SESSIONS)) db.createObjectStore(SESSIONS, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(SETTINGS)) db.createObjectStore(SETTINGS);
    };
    r.onsuccess = () => {
      clearTimeout(timer);
      // Another tab with a newer version of the page asks to upgrade: let it.
      r.result.onversionchange = () => r.result.close();
      resolve(r.result);
    };
    r.onerror = () => {
      clearTimeout(timer);
      reject(r.error);
    };
    r.onblocked = () => {
      clearTimeout(timer);
      reject(new Error('the browser’s storage is held by another tab'));
    };
  });
}

class LastingStore {
  /** @param {IDBDatabase} db */
  constructor(db) {
    this.db = db;
    this.lasting = true;
  }

  /** Every kept session, the newest first. @returns {Promise<Session[]>} */
  async sessions() {
    const all = await done(this.db.transaction(SESSIONS).objectStore(SESSIONS).getAll());
    return all.sort((a, b) => b.created - a.created);
  }

  /** @param {Session} session */
  async putSession(session) {
    const tx = this.db.transaction(SESSIONS, 'readwrite');
    tx.objectStore(SESSIONS).put(session);
    await committed(tx);
  }

  /** @param {string} id */
  async deleteSession(id) {
    const tx = this.db.transaction(SESSIONS, 'readwrite');
    tx.objectStore(SESSIONS).delete(id);
    await committed(tx);
  }

  /** @returns {Promise<PageModel | null>} */
  async pageModel() {
    return (await done(this.db.transaction(SETTINGS).objectStore(SETTINGS).get(PAGE_MODEL))) ?? null;
  }

  /** @param {PageModel | null} model  null: the page draws the shipped model */
  async setPageModel(model) {
    const tx = this.db.transaction(SETTINGS, 'readwrite');
    if (model) tx.objectStore(SETTINGS).put(model, PAGE_MODEL);
    else tx.objectStore(SETTINGS).delete(PAGE_MODEL);
    await committed(tx);
  }
}

/** The same calls, kept in memory only (gone on reload). */
class PageLifeStore {
  constructor(why) {
    this.lasting = false;
    this.why = why;
    /** @type {Map<string, Session>} */
    this.kept = new Map();
    /** @type {PageModel | null} */
    this.model = null;
  }

  async sessions() {
    return [...this.kept.values()].sort((a, b) => b.created - a.created);
  }

  async putSession(session) {
    this.kept.set(session.id, session);
  }

  async deleteSession(id) {
    this.kept.delete(id);
  }

  async pageModel() {
    return this.model;
  }

  async setPageModel(model) {
    this.model = model;
  }
}

/** @typedef {LastingStore | PageLifeStore} Store */

/** @type {Promise<Store> | null} */
let opened = null;

/** The page's one store (opened once, on first use). @returns {Promise<Store>} */
export function openStore() {
  opened ??= openDatabase().then(
    (db) => new LastingStore(db),
    (err) => new PageLifeStore(String(err?.message ?? err ?? 'the browser’s storage is not available')),
  );
  return opened;
}

/** A new session id: the time and a random part, unique in this browser. */
export function sessionId() {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
