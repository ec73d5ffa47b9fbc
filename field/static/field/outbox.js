// The outbox: an explicit, visible queue that sends each visit through the same idempotent API any tablet
// uses — `POST /api/v1/sync/` for the visit and its photo manifest, `PUT …/evidence/{uuid}/` for each photo,
// `PUT …/signatures/{uuid}/` for each signature, then the submit transition. Every id is a UUID made on
// this tablet and never changes, so a retry can never make a second visit, photo or signature
// (formhub#678, Survey123#326). Retries back off (5 s, 10 s, 20 s … up to 10 min); "send now" skips the wait.
// A visit counts as submitted only when the server has confirmed every file by its SHA-256.
// A 412 (someone changed the visit on the server) stops that visit and keeps both copies for the
// supervisor to choose: never a silent overwrite (Tangerine#2722).
import * as db from "./db.js";

const BACKOFF_MS = 5000;
const BACKOFF_MAX_MS = 10 * 60 * 1000;
const PARALLEL_UPLOADS = 2;
const listeners = new Set();
let running = null;

export const onChange = (fn) => listeners.add(fn);
const changed = (visitId) => listeners.forEach((fn) => fn(visitId));

class NetworkError extends Error {}

function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

async function api(method, url, { json, form } = {}) {
  const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body, credentials: "same-origin", cache: "no-store" });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  if (response.status >= 500 || response.status === 429) throw new NetworkError(`HTTP ${response.status}`);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, data };
}

export function payloadOf(visit) {
  const answers = Object.entries(visit.answers || {}).map(([item, a]) => ({
    item: Number(item),
    value: a.value === undefined ? null : a.value,
    note: a.note || "",
  }));
  const body = {
    id: visit.id,
    assignment: visit.assignment,
    instrument_version: visit.instrument_version,
    answers,
    findings: {
      strengths: visit.findings.strengths || "",
      to_improve: visit.findings.to_improve || "",
      recommendations: (visit.findings.recommendations || []).filter((r) => r.trim()),
    },
    members_present: visit.members_present || [],
  };
  if (visit.check_in) body.check_in = visit.check_in;
  if (visit.check_out) body.check_out = visit.check_out;
  if (visit.server_version) body.version = visit.server_version;
  return body;
}

function manifestOf(file) {
  return {
    visit: file.visit,
    id: file.id,
    sha256: file.sha256,
    size: file.size,
    kind: "photo",
    item: file.item || null,
    caption: file.caption || "",
    name: file.name || `${file.id}.jpg`,
    taken_at: file.taken_at || null,
    lat: file.lat ?? null,
    lon: file.lon ?? null,
  };
}

// Which of this visit's files the server holds with the same hash (its copy lists evidence and signatures).
export function confirmedIds(serverCopy) {
  const ok = new Map();
  if (!serverCopy) return ok;
  for (const e of serverCopy.evidence || []) if (e.uploaded) ok.set(e.id, e.sha256);
  for (const s of serverCopy.signatures || []) ok.set(s.id, s.sha256);
  return ok;
}

export async function visitProgress(visit) {
  const files = await db.byVisit(visit.id);
  const photos = files.filter((f) => f.kind === "photo");
  const signatures = files.filter((f) => f.kind === "signature");
  return {
    photos: photos.length,
    photosConfirmed: photos.filter((f) => f.confirmed).length,
    signatures: signatures.length,
    signaturesConfirmed: signatures.filter((f) => f.confirmed).length,
  };
}

// Where the visit is, as the list shows it.
export async function placeOf(visit) {
  const sync = visit.sync || {};
  if (sync.state === "conflict") return "conflict";
  if (sync.state === "error") return "error";
  const p = await visitProgress(visit);
  const allFiles = p.photosConfirmed === p.photos && p.signaturesConfirmed === p.signatures;
  const submittedOk = !visit.want_submit || (visit.server && visit.server.status !== "draft" && visit.server.status !== "returned");
  if (visit.server && !visit.dirty && allFiles && submittedOk) return "server";
  if (visit.queued) return "sending";
  return "local";
}

export async function unsentCount() {
  let n = 0;
  for (const v of await db.all("visits")) if ((await placeOf(v)) !== "server" && (v.dirty || v.queued)) n += 1;
  return n;
}

async function save(visit) {
  visit.updated_at = new Date().toISOString();
  await db.put("visits", visit);
  changed(visit.id);
}

async function fail(visit, error, { retry }) {
  const sync = visit.sync || {};
  sync.attempts = (sync.attempts || 0) + 1;
  if (retry) {
    const wait = Math.min(BACKOFF_MS * 2 ** (sync.attempts - 1), BACKOFF_MAX_MS);
    sync.next_at = Date.now() + wait * (0.8 + Math.random() * 0.4);
    sync.state = "waiting";
  } else {
    sync.state = "error";
  }
  sync.error = error;
  visit.sync = sync;
  await save(visit);
}

// The server's refusal in the page's language (its errors carry Thai and English).
function errorText(data) {
  if (!data) return "";
  const english = (document.documentElement.lang || "th").startsWith("en");
  const message = (english ? data.message_en : data.message_th) || data.detail;
  const fields = Object.entries(data.errors || data.fields || {}).map(([k, v]) => `${k}: ${[].concat(v).join(" ")}`);
  return [message, ...fields].filter(Boolean).join(" · ");
}

// What the tablet sent, for the submit: the server refuses it until it holds each of these with its hash.
function sentFiles(files) {
  return files.map((f) => ({
    id: f.id,
    sha256: f.sha256,
    kind: f.kind === "signature" ? "signature" : "photo",
    name: (f.kind === "signature" ? f.signer_name : f.name) || "",
  }));
}

// `only`: the answer to one file's PUT, which may have been written before another PUT in flight was stored,
// confirms that file and never un-confirms another (nor forgets an upload an earlier answer listed).
async function applyServerCopy(visit, copy, sentRev, { only = null } = {}) {
  const fresh = (await db.get("visits", visit.id)) || visit;
  if (only && fresh.server) {
    const earlier = new Map((fresh.server.evidence || []).filter((e) => e.uploaded).map((e) => [e.id, e]));
    copy = { ...copy, evidence: (copy.evidence || []).map((e) => (e.uploaded ? e : earlier.get(e.id) || e)) };
  }
  fresh.server = copy;
  fresh.server_version = copy.version;
  if (fresh.rev === sentRev) fresh.dirty = false; // edits made while sending go next time
  const ok = confirmedIds(copy);
  for (const f of await db.byVisit(visit.id)) {
    if (only && f.id !== only) continue;
    const confirmed = ok.get(f.id) === f.sha256;
    if (confirmed !== !!f.confirmed) {
      f.confirmed = confirmed;
      await db.put("files", f);
    }
  }
  return fresh;
}

// The photos not yet confirmed, PARALLEL_UPLOADS at a time: while one photo's bytes cross the link, the other's
// answer and the server's hashing come back, so the link never idles for a round trip. The first refusal or
// network failure starts no further upload; those in flight finish. Answers are applied one after another.
async function sendPhotos(visit, photos) {
  const waiting = [];
  for (const photo of photos) {
    const current = await db.get("files", photo.id);
    if (current && !current.confirmed) waiting.push(current);
  }
  let stop = null;
  let applying = Promise.resolve();
  const sender = async () => {
    while (!stop && waiting.length) {
      const file = waiting.shift();
      const form = new FormData();
      form.append("file", file.blob, file.name || `${file.id}.jpg`);
      form.append("sha256", file.sha256);
      let answer;
      try {
        answer = await api("PUT", `/api/v1/visits/${visit.id}/evidence/${file.id}/`, { form });
      } catch (error) {
        stop = stop || { error };
        return;
      }
      const { status, data } = answer;
      if (status >= 400) {
        stop = stop || { refusal: errorText(data) || `HTTP ${status}` };
        return;
      }
      applying = applying.then(async () => save(await applyServerCopy(visit, data, visit.rev, { only: file.id })));
      await applying;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_UPLOADS }, sender));
  await applying;
  return stop;
}

async function sendOne(visit, round = 0) {
  visit.sync = { ...(visit.sync || {}), state: "sending", error: null };
  await save(visit);
  const files = await db.byVisit(visit.id);
  const photos = files.filter((f) => f.kind === "photo");
  const signatures = files.filter((f) => f.kind === "signature");

  // 1. the visit's content and its photo manifest
  if (visit.dirty || !visit.server) {
    const sentRev = visit.rev;
    const { status, data } = await api("POST", "/api/v1/sync/", {
      json: { visits: [payloadOf(visit)], evidence: photos.map(manifestOf) },
    });
    if (status !== 200) return fail(visit, errorText(data) || `HTTP ${status}`, { retry: false });
    const result = data.visits[0];
    if (result.status === 412 || (result.status === 409 && result.visit)) {
      const locked = result.visit && !["draft", "returned"].includes(result.visit.status);
      if (locked && visit.want_submit && result.visit.status === "submitted" && !visit.dirty) {
        visit = await applyServerCopy(visit, result.visit, sentRev);
      } else {
        visit.sync = { state: "conflict", conflict: result.visit, error: errorText(result.error) };
        await save(visit);
        return;
      }
    } else if (result.status >= 400) {
      return fail(visit, errorText(result.error), { retry: false });
    } else {
      visit = await applyServerCopy(visit, result.visit, sentRev);
    }
    await save(visit);
  }

  // 2. the photos' bytes, each by its own UUID (a repeat is answered 200, never stored twice), two at a time
  const stop = await sendPhotos(visit, photos);
  if (stop && stop.error) throw stop.error; // the network: retried later with back-off, by the same UUIDs
  if (stop) return fail(visit, stop.refusal, { retry: false });
  visit = (await db.get("visits", visit.id)) || visit;

  // 3. the signatures
  for (const sig of signatures) {
    const current = await db.get("files", sig.id);
    if (current.confirmed) continue;
    const form = new FormData();
    form.append("file", current.blob, `${current.id}.png`);
    form.append("sha256", current.sha256);
    form.append("role", current.role);
    form.append("signer_name", current.signer_name);
    form.append("signed_at", current.signed_at);
    const { status, data } = await api("PUT", `/api/v1/visits/${visit.id}/signatures/${current.id}/`, { form });
    if (status >= 400) return fail(visit, errorText(data) || `HTTP ${status}`, { retry: false });
    visit = await applyServerCopy(visit, data, visit.rev);
    await save(visit);
  }

  // 4. submit — only once every file is confirmed by its hash
  const all = await db.byVisit(visit.id);
  if (all.some((f) => !f.confirmed)) {
    return fail(visit, "files not confirmed", { retry: true });
  }
  if (visit.want_submit && ["draft", "returned"].includes(visit.server.status) && !visit.dirty) {
    const { status, data } = await api("POST", `/api/v1/visits/${visit.id}/transitions/`, {
      json: { to: "submitted", version: visit.server_version, files: sentFiles(all) },
    });
    if (status === 409 && data && data.code === "files_missing") {
      // The server lacks files this tablet thought it had sent (lost, or never complete): they are marked
      // unsent, sent again by their same UUIDs, and the submit follows; the visit stays in the outbox.
      const missing = new Set((data.missing_files || []).map((m) => m.id));
      const mine = new Set(all.map((f) => f.id));
      for (const f of all) {
        if (missing.has(f.id) && f.confirmed) {
          f.confirmed = false;
          await db.put("files", f);
        }
      }
      visit.sync = { ...(visit.sync || {}), state: "sending", error: errorText(data) };
      await save(visit);
      const resendable = [...missing].every((id) => mine.has(id));
      if (resendable && round < 2) return sendOne((await db.get("visits", visit.id)) || visit, round + 1);
      // files listed on the server that this tablet does not hold cannot be sent from here
      return fail(visit, errorText(data), { retry: resendable });
    }
    if (status === 412) {
      visit.sync = { state: "conflict", conflict: data.current, error: errorText(data) };
      await save(visit);
      return;
    }
    if (status >= 400) return fail(visit, errorText(data) || `HTTP ${status}`, { retry: false });
    visit = await applyServerCopy(visit, data, visit.rev);
  }
  if (visit.dirty) return; // edited while sending: the next round sends the rest
  visit.queued = false;
  visit.sync = { state: "done", attempts: 0 };
  await save(visit);
}

async function flushOnce(force) {
  const now = Date.now();
  for (const visit of await db.all("visits")) {
    if (!visit.queued && !visit.dirty) continue;
    if (!visit.queued) continue;
    const sync = visit.sync || {};
    if (sync.state === "conflict" || (sync.state === "error" && !force)) continue;
    if (!force && sync.next_at && sync.next_at > now) continue;
    try {
      await sendOne(visit);
    } catch (error) {
      const fresh = (await db.get("visits", visit.id)) || visit;
      await fail(fresh, String(error.message || error), { retry: true });
      if (error instanceof NetworkError) break; // offline: the others would fail the same way
    }
  }
}

// One sender at a time, across this tablet's tabs too (Web Locks), so two tabs never send one visit twice.
export function flush({ force = false } = {}) {
  if (running) return running;
  const work = () => flushOnce(force);
  running = (navigator.locks ? navigator.locks.request("nithet-outbox", work) : work()).finally(() => {
    running = null;
  });
  return running;
}

export function start() {
  window.addEventListener("online", () => flush({ force: true }));
  setInterval(() => { if (navigator.onLine) flush(); }, 5000);
  flush();
}
