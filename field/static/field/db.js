// The tablet's store: one IndexedDB database per signed-in user (a shared tablet never shows user A's
// records to user B). Every write is its own transaction, awaited until it commits.
// Browsers may close the connection under memory pressure (iOS Safari, enketo#1576): every call reopens
// the database when it finds it closed and tries once more, so a save never silently fails.

const VERSION = 1;
const STORES = {
  meta: "key", // {key, value}: the prepared package's date, persistence answer, ...
  assignments: "id",
  instruments: "id",
  visits: "id", // the tablet's copy of each visit (see app.js `blankVisit`)
  files: "id", // photos and signatures: {id, visit, kind, blob, sha256, size, state, ...}
};

let dbName = null;
let handle = null;
let created = false; // this page found no database and made an empty one
const createdListeners = new Set();

// Called whenever the database had to be made from nothing — at the first start, or after the browser
// deleted it (storage eviction, "clear site data") while or before this page ran. The app tells the two
// apart by a marker kept outside browser storage (app.js).
export const onCreated = (fn) => createdListeners.add(fn);
export const wasCreated = () => created;

export function useDatabase(userId) {
  dbName = `nithet-field-u${userId}`;
  handle = null;
}

export function databaseName() {
  return dbName;
}

function open() {
  if (handle) return handle;
  handle = new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName, VERSION);
    req.onupgradeneeded = (event) => {
      const db = req.result;
      if (event.oldVersion === 0) {
        created = true;
        queueMicrotask(() => createdListeners.forEach((fn) => fn()));
      }
      for (const [name, keyPath] of Object.entries(STORES)) {
        if (!db.objectStoreNames.contains(name)) {
          const store = db.createObjectStore(name, { keyPath });
          if (name === "files") store.createIndex("visit", "visit");
        }
      }
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onclose = () => { handle = null; }; // closed by the browser: reopen on the next call
      db.onversionchange = () => { db.close(); handle = null; };
      resolve(db);
    };
    req.onerror = () => { handle = null; reject(req.error); };
    req.onblocked = () => { handle = null; reject(new Error("blocked")); };
  });
  return handle;
}

async function run(storeNames, mode, body) {
  for (let attempt = 0; ; attempt++) {
    let db;
    try {
      db = await open();
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(storeNames, mode);
        let result;
        Promise.resolve(body(tx)).then((r) => { result = r; }, reject);
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error || new Error("aborted"));
      });
    } catch (error) {
      const closed = error && (error.name === "InvalidStateError" || /clos/i.test(String(error.message)));
      if (closed && attempt === 0) {
        handle = null;
        continue;
      }
      throw error;
    }
  }
}

const req = (r) => new Promise((resolve, reject) => {
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});

export const get = (store, key) => run([store], "readonly", (tx) => req(tx.objectStore(store).get(key)));
export const all = (store) => run([store], "readonly", (tx) => req(tx.objectStore(store).getAll()));
export const put = (store, value) => run([store], "readwrite", (tx) => req(tx.objectStore(store).put(value)));
export const del = (store, key) => run([store], "readwrite", (tx) => req(tx.objectStore(store).delete(key)));
export const byVisit = (visitId) =>
  run(["files"], "readonly", (tx) => req(tx.objectStore("files").index("visit").getAll(visitId)));

export async function putMany(store, values) {
  return run([store], "readwrite", (tx) => {
    const s = tx.objectStore(store);
    for (const v of values) s.put(v);
  });
}

export async function clearStore(store) {
  return run([store], "readwrite", (tx) => req(tx.objectStore(store).clear()));
}

export async function getMeta(key, fallback = null) {
  const row = await get("meta", key);
  return row ? row.value : fallback;
}

export const setMeta = (key, value) => put("meta", { key, value });

export async function destroy() {
  const db = await open();
  db.close();
  handle = null;
  await new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(dbName);
    r.onsuccess = resolve;
    r.onerror = () => reject(r.error);
    r.onblocked = resolve;
  });
}
