// นิเทศ ภาคสนาม — the supervisor's offline-first field app. Plain modules, no framework, no build step.
// Screens: the day's list (#/), one visit (#/visit/<assignment id>). Every change is written to IndexedDB
// at once; the outbox (outbox.js) sends what is queued whenever there is a network.
import * as db from "./db.js";
import { N_, t, beDate, beDateTime } from "./i18n.js";
import { resizePhotos, sha256Hex, signaturePad } from "./media.js";
import * as outbox from "./outbox.js";

const BOOT = JSON.parse(document.getElementById("field-boot").textContent);
const root = document.getElementById("app");
const channel = "BroadcastChannel" in window ? new BroadcastChannel("nithet-field") : null;
let releaseLock = null;
let current = null; // {assignment, visit, instrument, readOnly}

db.useDatabase(BOOT.user.id);

// A marker outside browser storage (a cookie: browsers evict storage, not cookies) says this tablet had the
// app's database and how many visits were unsent at the last save. If the database is found empty while
// the marker is there, the browser deleted it (storage pressure, "clear site data", iOS eviction:
// enketo#1576): the supervisor is told at once, with what was lost, instead of finding out later.
const MARKER = `nithet_field_u${BOOT.user.id}`;
const memoryFiles = new Map(); // the open visit's photos and signatures as this page holds them

function readMarker() {
  const m = document.cookie.match(new RegExp(`(?:^|;\\s*)${MARKER}=(\\d+)`));
  return m ? Number(m[1]) : null;
}

function writeMarker(unsent) {
  document.cookie = `${MARKER}=${unsent}; path=/field/; max-age=31536000; samesite=strict`;
}

function dropMarker() {
  document.cookie = `${MARKER}=; path=/field/; max-age=0; samesite=strict`;
}

async function refreshMarker() {
  writeMarker(await outbox.unsentCount());
}

db.onCreated(async () => {
  const marker = readMarker();
  if (marker === null) return; // the first start on this tablet (or after signing out / clearing)
  await db.setMeta("evicted", { at: new Date().toISOString(), lost: marker });
  if (current) {
    // The open visit is still whole in this page: write it back, with its files and what the form needs.
    await db.put("assignments", current.assignment);
    await db.put("instruments", current.instrument);
    for (const file of memoryFiles.values()) if (file.visit === current.visit.id) await db.put("files", file);
    await persist();
    const banner = document.getElementById("evicted-now");
    if (!banner) document.querySelector(".form-head")?.after(h("p", { class: "banner error", id: "evicted-now", role: "alert" },
      t("เบราว์เซอร์ลบข้อมูลของแอปในแท็บเล็ตนี้ การตรวจเยี่ยมที่เปิดอยู่บันทึกกลับแล้ว ส่งให้เร็วที่สุด")));
  } else {
    renderList();
  }
});

// --- tiny DOM helper -----------------------------------------------------------------------------------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

function haversine(lat1, lon1, lat2, lon2) {
  const r = 6371008.8;
  const rad = (d) => (d * Math.PI) / 180;
  const dp = rad(lat2 - lat1);
  const dl = rad(lon2 - lon1);
  const a = Math.sin(dp / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dl / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(a));
}

const PLACE_LABEL = {
  local: () => t("อยู่ในแท็บเล็ตนี้เท่านั้น"),
  sending: () => t("กำลังส่ง"),
  server: () => t("อยู่บนเซิร์ฟเวอร์แล้ว"),
  conflict: () => t("มีการแก้ไขบนเซิร์ฟเวอร์ — ต้องเลือก"),
  error: () => t("ส่งไม่สำเร็จ"),
};

// --- storage ---------------------------------------------------------------------------------------------
// Persistent storage is asked for at every start until granted (browsers grant it silently, e.g. to an
// installed app); the list shows the browser's answer and the space used.
async function askPersistence() {
  if (!navigator.storage || !navigator.storage.persist) return;
  if (await navigator.storage.persisted()) return;
  await db.setMeta("persist_asked", { at: new Date().toISOString(), granted: await navigator.storage.persist() });
}

async function storageLine() {
  const supported = !!(navigator.storage && navigator.storage.persisted);
  const persisted = supported ? await navigator.storage.persisted() : false;
  const asked = await db.getMeta("persist_asked");
  let used = "";
  let estimate = {};
  if (navigator.storage && navigator.storage.estimate) {
    estimate = await navigator.storage.estimate();
    const { usage, quota } = estimate;
    used = t("ใช้พื้นที่ {mb} MB จาก {quota} MB", { mb: ((usage || 0) / 1048576).toFixed(1), quota: Math.round((quota || 0) / 1048576) });
  }
  let state;
  if (persisted) state = t("บันทึกถาวร: ได้รับอนุญาต");
  else if (!supported) state = t("บันทึกถาวร: เบราว์เซอร์นี้ไม่รองรับ (เบราว์เซอร์อาจลบข้อมูลเมื่อพื้นที่เหลือน้อย)");
  else if (asked) state = t("บันทึกถาวร: ขอแล้ว แต่ยังไม่ได้รับอนุญาต (เบราว์เซอร์อาจลบข้อมูลเมื่อพื้นที่เหลือน้อย ติดตั้งแอปเพื่อให้อนุญาต)");
  else state = t("บันทึกถาวร: ยังไม่ได้ขอ");
  return h("p", { class: persisted ? "meta" : "meta warning-text", id: "storage", "data-persisted": String(persisted),
    "data-usage": String(estimate.usage ?? ""), "data-quota": String(estimate.quota ?? "") }, state, " · ", used);
}

async function evictionBanner() {
  const evicted = await db.getMeta("evicted");
  if (!evicted) return null;
  return h("div", { class: "banner error", id: "evicted", role: "alert" },
    h("p", {}, t("เบราว์เซอร์ลบข้อมูลของแอปในแท็บเล็ตนี้เมื่อ {at} (พื้นที่เหลือน้อยหรือถูกล้างข้อมูล)", { at: beDateTime(evicted.at) })),
    h("p", {}, evicted.lost
      ? t("การตรวจเยี่ยมที่ยังไม่ได้ส่ง {n} รายการหายไปจากแท็บเล็ต ต้องบันทึกใหม่ สิ่งที่ส่งถึงเซิร์ฟเวอร์แล้วไม่หาย", { n: evicted.lost })
      : t("ไม่มีงานค้างส่งที่หายไป สิ่งที่ส่งถึงเซิร์ฟเวอร์แล้วไม่หาย กดเตรียมข้อมูลเพื่อโหลดใหม่")),
    h("button", { id: "evicted-ok", onclick: async () => { await db.del("meta", "evicted"); render(); } }, t("รับทราบ")));
}

// --- prepare for offline ---------------------------------------------------------------------------------
async function prepare() {
  const status = document.getElementById("prepare-status");
  status.textContent = t("กำลังเตรียมข้อมูล…");
  await askPersistence();
  let brief;
  try {
    const response = await fetch("/api/v1/field/prepare/", { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401 || response.status === 403) {
      status.textContent = t("ต้องเข้าสู่ระบบใหม่ก่อนเตรียมข้อมูล");
      return;
    }
    brief = await response.json();
  } catch {
    status.textContent = t("ไม่มีสัญญาณ เตรียมข้อมูลไม่ได้ ใช้ข้อมูลเดิมในแท็บเล็ต");
    return;
  }
  const keep = new Set(brief.assignments.map((a) => a.id));
  for (const local of await db.all("assignments")) {
    const visit = (await db.all("visits")).find((v) => v.assignment === local.id);
    if (!keep.has(local.id) && !(visit && (visit.dirty || visit.queued))) await db.del("assignments", local.id);
  }
  await db.putMany("assignments", brief.assignments);
  await db.putMany("instruments", Object.values(brief.instruments));
  for (const a of brief.assignments) {
    const copy = a.visit ? brief.visits[a.visit] : null;
    if (!copy) continue;
    const local = await db.get("visits", copy.id);
    if (local && (local.dirty || local.queued)) continue; // the tablet's edits are never overwritten
    await db.put("visits", fromServer(copy, local));
  }
  await db.setMeta("prepared_at", brief.generated_at);
  await db.setMeta("prepared_count", brief.assignments.length);
  render();
}

function fromServer(copy, local) {
  const answers = {};
  for (const a of copy.answers) answers[a.item] = { value: a.value, note: a.note || "" };
  return {
    ...(local || {}),
    id: copy.id,
    assignment: copy.assignment,
    instrument_version: copy.instrument_version,
    answers,
    findings: {
      strengths: copy.findings.strengths,
      to_improve: copy.findings.to_improve,
      recommendations: [...copy.findings.recommendations],
    },
    members_present: [...copy.members_present],
    check_in: copy.check_in ? { at: copy.check_in.at, lat: copy.check_in.lat, lon: copy.check_in.lon, accuracy: copy.check_in.accuracy } : null,
    check_out: copy.check_out ? { at: copy.check_out.at, lat: copy.check_out.lat, lon: copy.check_out.lon, accuracy: copy.check_out.accuracy } : null,
    server: copy,
    server_version: copy.version,
    rev: (local && local.rev) || 0,
    dirty: false,
    queued: false,
    want_submit: false,
    sync: { state: "done" },
  };
}

function blankVisit(assignment) {
  return {
    id: crypto.randomUUID(),
    assignment: assignment.id,
    instrument_version: assignment.instrument_version, // kept even if the office publishes a newer version
    answers: {},
    findings: { strengths: "", to_improve: "", recommendations: [""] },
    members_present: [],
    check_in: null,
    check_out: null,
    server: null,
    server_version: null,
    rev: 0,
    dirty: true,
    queued: false,
    want_submit: false,
    sync: { state: "local" },
    created_at: new Date().toISOString(),
  };
}

// --- the list ----------------------------------------------------------------------------------------------
async function renderList() {
  const assignments = (await db.all("assignments")).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  const visits = await db.all("visits");
  const preparedAt = await db.getMeta("prepared_at");
  const unsent = await outbox.unsentCount();
  const cards = [];
  for (const a of assignments) {
    const visit = visits.find((v) => v.assignment === a.id);
    let badge = h("span", { class: "badge" }, t("ยังไม่เริ่ม"));
    let progress = null;
    if (visit) {
      const place = await outbox.placeOf(visit);
      badge = h("span", { class: `badge ${place}`, "data-place": place }, PLACE_LABEL[place]());
      const p = await outbox.visitProgress(visit);
      if (p.photos) progress = h("span", { class: "meta", "data-photos": `${p.photosConfirmed}/${p.photos}` },
        t("ภาพถ่ายถึงเซิร์ฟเวอร์ {n} จาก {m}", { n: p.photosConfirmed, m: p.photos }));
    }
    const status = visit && visit.server ? visit.server.status : null;
    cards.push(h("li", { class: "card", "data-assignment": a.id },
      h("div", { class: "card-head" },
        h("strong", { class: "data" }, a.school.name_th), " ", badge,
        status ? h("span", { class: `badge status-${status}` }, t(STATUS[status] || status)) : null),
      h("div", { class: "meta" }, beDate(a.date), a.session ? [" · ", h("span", { class: "data" }, a.session.name), ` ${a.session.start}–${a.session.end} ${t("น.")}`] : "",
        " · ", h("span", { class: "data" }, a.round.title)),
      progress,
      h("div", { class: "actions" },
        h("a", { class: "button primary", href: `#/visit/${a.id}` }, visit ? t("เปิดบันทึก") : t("เริ่มบันทึกการตรวจเยี่ยม")))));
  }
  await refreshMarker();
  const evicted = await evictionBanner();
  root.replaceChildren(...[
    header(),
    evicted,
    h("section", { class: "panel" },
      h("p", { id: "ready", class: "ready" }, preparedAt
        ? t("พร้อมใช้แบบออฟไลน์: {n} การตรวจเยี่ยม ปรับปรุงเมื่อ {at}", { n: assignments.length, at: beDateTime(preparedAt) })
        : t("ยังไม่ได้เตรียมข้อมูลสำหรับใช้แบบออฟไลน์")),
      h("div", { class: "actions" },
        h("button", { class: "primary", id: "prepare", onclick: prepare }, t("เตรียมข้อมูลสำหรับออฟไลน์")),
        h("button", { id: "send-now", onclick: () => outbox.flush({ force: true }).then(render) }, t("ส่งตอนนี้")),
        h("button", { id: "sign-out", onclick: signOut }, t("ออกจากระบบ")),
        h("button", { id: "clear", class: "danger", onclick: clearTablet }, t("ล้างข้อมูลในแท็บเล็ต"))),
      h("p", { id: "prepare-status", class: "meta", role: "status" }),
      h("p", { id: "unsent", class: unsent ? "warning-text" : "meta" },
        unsent ? t("ยังไม่ได้ส่ง {n} การตรวจเยี่ยม", { n: unsent }) : t("ส่งครบแล้ว ไม่มีข้อมูลค้างในแท็บเล็ต")),
      await storageLine()),
    assignments.length ? h("ul", { class: "cards", id: "visit-list" }, cards) : h("p", { id: "visit-list" }, t("ไม่มีการตรวจเยี่ยมที่เตรียมไว้")),
  ].filter(Boolean));
}

const STATUS = {
  draft: N_("ร่าง"), submitted: N_("ส่งแล้ว รอตรวจ"), returned: N_("ส่งกลับให้แก้ไข"), approved: N_("อนุมัติแล้ว"),
  acknowledged: N_("โรงเรียนรับทราบแล้ว"),
};

function header() {
  return h("header", { class: "bar" },
    h("a", { href: "#/", class: "brand" }, t("นิเทศ ภาคสนาม")),
    h("span", { class: `net ${navigator.onLine ? "on" : "off"}`, id: "network" }, navigator.onLine ? t("ออนไลน์") : t("ออฟไลน์")),
    h("span", { class: "who data" }, BOOT.user.name));
}

async function signOut() {
  const unsent = await outbox.unsentCount();
  const note = document.getElementById("prepare-status");
  if (unsent) {
    note.textContent = t("ออกจากระบบไม่ได้: ยังมี {n} การตรวจเยี่ยมที่ยังไม่ได้ส่ง ส่งให้ครบก่อน", { n: unsent });
    note.className = "error-text";
    return;
  }
  // A shared tablet: nothing of this user stays behind (enketo#1127).
  await wipe();
  const form = h("form", { method: "post", action: BOOT.logout_url },
    h("input", { type: "hidden", name: "csrfmiddlewaretoken", value: (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "" }));
  document.body.append(form);
  form.submit();
}

async function wipe() {
  dropMarker(); // our own clearing is not an eviction
  await db.destroy();
  if (window.caches) for (const key of await caches.keys()) if (key.startsWith("nithet-field-")) await caches.delete(key);
}

async function clearTablet() {
  const unsent = await outbox.unsentCount();
  const warning = unsent
    ? t("คำเตือน: ยังมี {n} การตรวจเยี่ยมที่ยังไม่ได้ส่ง ถ้าล้างข้อมูล งานนี้จะหายไปและกู้คืนไม่ได้ ล้างจริงหรือไม่", { n: unsent })
    : t("ล้างข้อมูลทั้งหมดในแท็บเล็ตนี้หรือไม่");
  if (!window.confirm(warning)) return;
  await wipe();
  db.useDatabase(BOOT.user.id);
  render();
}

// --- the visit form ------------------------------------------------------------------------------------------
let saving = Promise.resolve();

// The open form's badge: where its visit is now (only on this tablet / sending / on the server).
async function showPlace(visit) {
  const el = document.getElementById("place");
  if (!el || !current || current.visit.id !== visit.id) return;
  const place = await outbox.placeOf(visit);
  el.textContent = PLACE_LABEL[place]();
  el.className = `badge ${place}`;
  el.dataset.place = place;
}

function persist() {
  // Writes go one after another, each awaited: a reload or a killed tab keeps everything up to the last one.
  const visit = current.visit;
  visit.rev = (visit.rev || 0) + 1;
  visit.dirty = true;
  // sticky, unlike `dirty` (which a draft sent clears): a photo or signature added counts as a change too
  if (visit.server && visit.server.status === "returned") visit.changed_since_return = true;
  if (visit.sync && visit.sync.state === "error") visit.sync = { state: "local" };
  visit.updated_at = new Date().toISOString();
  const copy = structuredClone(visit);
  saving = saving.then(() => db.put("visits", copy)).then(async () => {
    await showPlace(copy); // a change on the tablet is not on the server yet: the badge says so at once
    await refreshMarker();
    if (channel) channel.postMessage({ visit: visit.id });
    const el = document.getElementById("saved");
    if (el) el.textContent = t("บันทึกในแท็บเล็ตแล้ว {at}", { at: beDateTime(copy.updated_at) });
  });
  updateProgress();
  return saving;
}

function itemsOf(instrument) {
  return instrument.sections.flatMap((s) => s.items);
}

// As the server counts an answer (visits/answers.py): text only of spaces is no answer, nor an empty choice.
function answered(visit, item) {
  const a = visit.answers[item.id];
  if (!a || a.value === null || a.value === undefined) return false;
  if (typeof a.value === "string") return a.value.trim() !== "";
  return !(Array.isArray(a.value) && !a.value.length);
}

async function photosOf(visitId) {
  return (await db.byVisit(visitId)).filter((f) => f.kind === "photo");
}

function updateProgress() {
  if (!current) return;
  for (const section of current.instrument.sections) {
    const el = document.getElementById(`progress-${section.id}`);
    if (!el) continue;
    const done = section.items.filter((i) => answered(current.visit, i)).length;
    el.textContent = t("ตอบแล้ว {n}/{m}", { n: done, m: section.items.length });
    el.className = `progress ${done === section.items.length ? "complete" : ""}`;
  }
}

function control(item, visit, ro) {
  const a = visit.answers[item.id] || { value: null, note: "" };
  const set = (value) => {
    visit.answers[item.id] = { ...(visit.answers[item.id] || { note: "" }), value };
    persist();
  };
  const name = `item-${item.id}`;
  if (item.type === "rating") {
    return h("div", { class: "levels", role: "radiogroup" }, item.levels.map((lv) =>
      h("label", { class: "choice level" },
        h("input", { type: "radio", name, value: lv.value, checked: a.value === lv.value, disabled: ro, onchange: () => set(lv.value) }),
        h("span", {}, h("strong", {}, String(lv.value)), " ", h("span", { class: "data" }, lv.label)))));
  }
  if (item.type === "yes_no") {
    return h("div", { class: "row" }, [[true, t("มี / ใช่")], [false, t("ไม่มี / ไม่ใช่")]].map(([v, label]) =>
      h("label", { class: "choice" },
        h("input", { type: "radio", name, checked: a.value === v, disabled: ro, onchange: () => set(v) }), label)));
  }
  if (item.type === "number") {
    return h("input", { type: "number", inputmode: "decimal", id: name, value: a.value ?? "", disabled: ro,
      oninput: (e) => set(e.target.value === "" ? null : Number(e.target.value)) });
  }
  if (item.type === "short_text") {
    return h("input", { type: "text", id: name, value: a.value ?? "", maxlength: 500, disabled: ro, oninput: (e) => set(e.target.value) });
  }
  if (item.type === "long_text") {
    const el = h("textarea", { id: name, rows: 4, disabled: ro, oninput: (e) => set(e.target.value) });
    el.value = a.value ?? "";
    return el;
  }
  if (item.type === "single_choice") {
    return h("div", { class: "options" }, item.options.map((o) =>
      h("label", { class: "choice" },
        h("input", { type: "radio", name, checked: a.value === o.value, disabled: ro, onchange: () => set(o.value) }), h("span", { class: "data" }, o.label))));
  }
  if (item.type === "multi_choice") {
    const chosen = new Set(Array.isArray(a.value) ? a.value : []);
    return h("div", { class: "options" }, item.options.map((o) =>
      h("label", { class: "choice" },
        h("input", { type: "checkbox", name, checked: chosen.has(o.value), disabled: ro, onchange: (e) => {
          if (e.target.checked) chosen.add(o.value); else chosen.delete(o.value);
          set(item.options.map((x) => x.value).filter((v) => chosen.has(v)));
        } }), h("span", { class: "data" }, o.label))));
  }
  return h("span", {}, item.type);
}

async function addPhotos(files, item, list) {
  const visit = current.visit;
  // the place is asked for while the photos are resized (a fix a minute old is still this school)
  const fixing = currentPosition(3000, 60000).catch(() => null);
  const resized = await resizePhotos(files, BOOT.photo_max_px, BOOT.photo_quality);
  const fix = await fixing;
  for (const [i, file] of files.entries()) {
    const { blob, width, height, sha256 } = resized[i];
    const photo = {
      id: crypto.randomUUID(),
      visit: visit.id,
      kind: "photo",
      item: item ? item.id : null,
      blob,
      size: blob.size,
      sha256,
      width,
      height,
      name: file.name.replace(/\.[^.]+$/, "") + ".jpg",
      caption: "",
      taken_at: new Date(file.lastModified || Date.now()).toISOString(),
      lat: fix ? fix.lat : null,
      lon: fix ? fix.lon : null,
      confirmed: false,
    };
    await db.put("files", photo);
  }
  await persist(); // the manifest changed: the visit goes again
  list.replaceWith(await photoList(item));
  if (channel) channel.postMessage({ visit: visit.id });
}

async function photoList(item) {
  const ro = current.readOnly;
  const photos = (await photosOf(current.visit.id)).filter((p) => (item ? p.item === item.id : !p.item));
  const list = h("div", { class: "photos", "data-item": item ? item.id : "visit" });
  for (const p of photos) {
    memoryFiles.set(p.id, p);
    const url = URL.createObjectURL(p.blob);
    const caption = h("input", { type: "text", value: p.caption, placeholder: t("คำบรรยายภาพ"), disabled: ro,
      oninput: async (e) => { p.caption = e.target.value; await db.put("files", p); persist(); } });
    list.append(h("figure", { class: "photo" }, h("img", { src: url, alt: p.caption || t("ภาพถ่าย"), class: p.caption ? "data" : null }),
      h("figcaption", {}, caption, h("span", { class: "meta" }, p.confirmed ? t("ถึงเซิร์ฟเวอร์แล้ว") : t("ยังไม่ได้ส่ง")))));
  }
  if (!ro) {
    const input = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, class: "visually-hidden",
      id: `photo-input-${item ? item.id : "visit"}`,
      onchange: (e) => addPhotos([...e.target.files], item, list) });
    list.append(h("label", { class: "button", for: input.id }, t("ถ่ายภาพ / เลือกภาพ")), input);
  }
  return list;
}

function currentPosition(timeout = 20000, maximumAge = 0) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error("no geolocation"));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ at: new Date(p.timestamp || Date.now()).toISOString(), lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
      reject, { enableHighAccuracy: true, timeout, maximumAge });
  });
}

function placeText(place) {
  if (!place) return h("span", { class: "meta" }, t("ยังไม่ได้บันทึก"));
  const school = current.assignment.school;
  const parts = [beDateTime(place.at), ` · ${t("ความแม่นยำ")} ±${Math.round(place.accuracy)} ${t("ม.")}`];
  const warnings = [];
  if (place.accuracy > BOOT.gps.accuracy_warn_m) warnings.push(t("พิกัดไม่แม่นยำ (เกิน {m} ม.) ลองใหม่ในที่โล่ง", { m: BOOT.gps.accuracy_warn_m }));
  if (school.latitude !== null && place.lat !== null) {
    const d = haversine(place.lat, place.lon, school.latitude, school.longitude);
    parts.push(` · ${t("ห่างโรงเรียน {d} ม.", { d: Math.round(d) })}`);
    if (d > BOOT.gps.radius_m) warnings.push(t("อยู่ไกลจากโรงเรียนเกิน {m} ม.", { m: BOOT.gps.radius_m }));
  }
  return h("span", {}, ...parts, ...warnings.map((w) => h("span", { class: "badge warn" }, w)));
}

function gpsBlock(kind) {
  const visit = current.visit;
  const out = h("span", { id: `${kind}-place` }, placeText(visit[kind]));
  const label = kind === "check_in" ? t("ลงเวลาเข้า (GPS)") : t("ลงเวลาออก (GPS)");
  return h("div", { class: "gps" },
    h("button", { id: kind, disabled: current.readOnly, onclick: async (e) => {
      e.target.disabled = true;
      out.textContent = t("กำลังหาพิกัด…");
      try {
        visit[kind] = await currentPosition();
        await persist();
      } catch {
        out.textContent = t("หาพิกัดไม่ได้ ตรวจสอบว่าอนุญาตตำแหน่งแล้ว");
        e.target.disabled = false;
        return;
      }
      out.replaceChildren(placeText(visit[kind]));
      e.target.disabled = false;
    } }, label), " ", out);
}

async function signatureBlock() {
  const visit = current.visit;
  const wrap = h("div", { class: "signatures", id: "signatures" });
  const stored = (await db.byVisit(visit.id)).filter((f) => f.kind === "signature");
  for (const s of stored) {
    memoryFiles.set(s.id, s);
    wrap.append(h("figure", { class: "signature", "data-role": s.role },
      h("img", { src: URL.createObjectURL(s.blob), alt: s.signer_name, class: "data" }),
      h("figcaption", {}, h("span", { class: "data" }, s.signer_name), ` · ${t(ROLE[s.role])}`, " ",
        h("span", { class: "meta" }, s.confirmed ? t("ถึงเซิร์ฟเวอร์แล้ว") : t("ยังไม่ได้ส่ง")))));
  }
  if (current.readOnly) return wrap;
  const canvas = h("canvas", { class: "pad", id: "signature-pad", "aria-label": t("ช่องลงลายมือชื่อ") });
  const name = h("input", { type: "text", id: "signer-name", placeholder: t("ชื่อผู้ลงนาม") });
  const role = h("select", { id: "signer-role" }, Object.entries(ROLE).map(([v, label]) => h("option", { value: v }, t(label))));
  const message = h("p", { class: "meta", role: "status" });
  wrap.append(h("div", { class: "pad-wrap" },
    h("label", {}, t("ชื่อผู้ลงนาม"), name), h("label", {}, t("ลงนามในฐานะ"), role), canvas,
    h("div", { class: "actions" },
      h("button", { onclick: () => pad.clear() }, t("ล้างลายมือชื่อ")),
      h("button", { class: "primary", id: "save-signature", onclick: async () => {
        if (pad.isEmpty() || !name.value.trim()) {
          message.textContent = t("ลงลายมือชื่อและกรอกชื่อผู้ลงนามก่อน");
          return;
        }
        const blob = await pad.toBlob();
        await db.put("files", {
          id: crypto.randomUUID(), visit: visit.id, kind: "signature", blob, size: blob.size, sha256: await sha256Hex(blob),
          role: role.value, signer_name: name.value.trim(), signed_at: new Date().toISOString(), confirmed: false,
        });
        await persist();
        wrap.replaceWith(await signatureBlock());
      } }, t("บันทึกลายมือชื่อ"))), message));
  let pad;
  requestAnimationFrame(() => { pad = signaturePad(canvas); });
  return wrap;
}

const ROLE = { chair: N_("ประธานคณะกรรมการ"), school_director: N_("ผู้อำนวยการโรงเรียน"), supervisor: N_("ผู้นิเทศ") };
// A committee member's role and a follow-up's state, named in the app's own catalogue (the server's label is
// the fallback for a value the app does not know).
const MEMBER_ROLE = { chair: N_("ประธานกรรมการ"), member: N_("กรรมการ"), secretary: N_("กรรมการและเลขานุการ") };
const FOLLOWUP_STATUS = { open: N_("ยังไม่ดำเนินการ"), in_progress: N_("กำลังดำเนินการ"), done: N_("ดำเนินการแล้ว"), verified: N_("ตรวจสอบแล้ว") };

async function problems() {
  const visit = current.visit;
  const photos = await photosOf(visit.id);
  // a returned visit's photos may have been sent before (from this tablet or another): the server's copy counts
  const onServer = new Set(((visit.server && visit.server.evidence) || []).map((e) => e.item).filter(Boolean));
  const out = [];
  // Returned by the chair and nothing changed since (the server's copy as returned, no new file): the server
  // would refuse it (unchanged_since_return); the tablet says so now rather than queue it, even offline.
  const returned = current.assignment.returned;
  if (visit.server && visit.server.status === "returned" && returned && returned.version === visit.server.version
    && !visit.dirty && !visit.changed_since_return) {
    out.push([null, t("ยังไม่ได้แก้ไขตามที่ส่งกลับ แก้ไขตามความเห็นของประธานก่อนส่งใหม่")]);
  }
  for (const item of itemsOf(current.instrument)) {
    if (item.required && !answered(visit, item)) out.push([item, t("ข้อ {code}: ยังไม่ได้ตอบ", { code: item.code })]);
    else if (item.photo_required && !photos.some((p) => p.item === item.id) && !onServer.has(item.id)) out.push([item, t("ข้อ {code}: ต้องมีภาพถ่าย", { code: item.code })]);
  }
  return out;
}

async function submit() {
  const found = await problems();
  const summary = document.getElementById("error-summary");
  if (found.length) {
    summary.replaceChildren(h("h2", {}, t("ยังส่งไม่ได้")), h("ul", {}, found.map(([item, text]) =>
      h("li", {}, item ? h("a", { href: `#item-${item.id}`, onclick: (e) => { e.preventDefault(); document.getElementById(`q-${item.id}`).scrollIntoView(); } }, text) : text))));
    summary.hidden = false;
    summary.focus();
    return;
  }
  summary.hidden = true;
  current.visit.want_submit = true;
  current.visit.queued = true;
  current.visit.sync = { state: "queued" };
  await persist();
  document.getElementById("submit-status").textContent = t("อยู่ในคิวส่งแล้ว จะส่งเมื่อมีสัญญาณ");
  outbox.flush({ force: true }).then(() => renderForm(current.assignment.id, { keepLock: true }));
}

async function sendDraft() {
  current.visit.queued = true;
  current.visit.sync = { state: "queued" };
  await persist();
  document.getElementById("submit-status").textContent = t("อยู่ในคิวส่งแล้ว จะส่งเมื่อมีสัญญาณ");
  outbox.flush({ force: true }).then(() => renderForm(current.assignment.id, { keepLock: true }));
}

function conflictPanel() {
  const visit = current.visit;
  const server = visit.sync.conflict;
  if (!server) return null;
  const rows = [];
  const items = itemsOf(current.instrument);
  const show = (v) => (v === null || v === undefined || v === "" ? "—" : Array.isArray(v) ? v.join(", ") : String(v));
  for (const item of items) {
    const mine = visit.answers[item.id] || {};
    const theirs = server.answers.find((a) => a.item === item.id) || {};
    if (show(mine.value) !== show(theirs.value) || (mine.note || "") !== (theirs.note || "")) {
      rows.push(h("tr", {}, h("th", { class: "data" }, `${item.code} ${item.text}`), h("td", { class: "data" }, show(theirs.value), theirs.note ? ` (${theirs.note})` : ""),
        h("td", { class: "data" }, show(mine.value), mine.note ? ` (${mine.note})` : "")));
    }
  }
  for (const [key, label] of [["strengths", N_("จุดเด่น")], ["to_improve", N_("จุดที่ควรพัฒนา")]]) {
    if ((visit.findings[key] || "") !== (server.findings[key] || "")) {
      rows.push(h("tr", {}, h("th", {}, t(label)), h("td", { class: "data" }, server.findings[key] || "—"), h("td", { class: "data" }, visit.findings[key] || "—")));
    }
  }
  const recs = (r) => (r || []).filter((x) => x.trim()).join(" / ");
  if (recs(visit.findings.recommendations) !== recs(server.findings.recommendations)) {
    rows.push(h("tr", {}, h("th", {}, t("ข้อเสนอแนะ")), h("td", { class: "data" }, recs(server.findings.recommendations) || "—"), h("td", { class: "data" }, recs(visit.findings.recommendations) || "—")));
  }
  return h("section", { class: "conflict", id: "conflict", role: "alert" },
    h("h2", {}, t("มีผู้แก้ไขการตรวจเยี่ยมนี้บนเซิร์ฟเวอร์ (ฉบับที่ {v})", { v: server.version })),
    h("p", {}, t("เลือกว่าจะใช้ฉบับใด ระบบจะไม่เขียนทับโดยไม่ถาม")),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, t("บนเซิร์ฟเวอร์")), h("th", {}, t("ในแท็บเล็ตนี้")))), h("tbody", {}, rows)),
    h("div", { class: "actions" },
      h("button", { id: "keep-mine", class: "primary", onclick: async () => {
        visit.server_version = server.version;
        visit.server = server;
        visit.sync = { state: "queued" };
        visit.queued = true;
        await persist();
        outbox.flush({ force: true }).then(() => renderForm(current.assignment.id, { keepLock: true }));
      } }, t("ใช้ฉบับในแท็บเล็ต")),
      h("button", { id: "take-server", onclick: async () => {
        // Taking the server's copy drops this tablet's edits: asked first, like everything that drops work.
        if (!window.confirm(t("ใช้ฉบับบนเซิร์ฟเวอร์ การแก้ไขในแท็บเล็ตนี้ที่ต่างจากฉบับบนเซิร์ฟเวอร์จะหายไป ใช้ฉบับบนเซิร์ฟเวอร์จริงหรือไม่"))) return;
        const taken = fromServer(server, visit);
        // The supervisor reads the server's copy before sending anything: a submit asked for earlier waits.
        Object.assign(visit, taken, { queued: false, want_submit: false, sync: { state: "done" } });
        await db.put("visits", structuredClone(visit));
        await refreshMarker();
        renderForm(current.assignment.id, { keepLock: true });
      } }, t("ใช้ฉบับบนเซิร์ฟเวอร์"))));
}

async function lockVisit(visitId) {
  if (releaseLock) { releaseLock(); releaseLock = null; }
  if (!navigator.locks) return true;
  return new Promise((resolve) => {
    navigator.locks.request(`nithet-visit-${visitId}`, { ifAvailable: true }, (lock) => {
      if (!lock) { resolve(false); return null; }
      resolve(true);
      return new Promise((release) => { releaseLock = release; });
    });
  });
}

async function renderForm(assignmentId, { keepLock = false } = {}) {
  const assignment = await db.get("assignments", assignmentId);
  if (!assignment) { location.hash = "#/"; return; }
  let visit = (await db.all("visits")).find((v) => v.assignment === assignmentId);
  if (!visit) {
    visit = blankVisit(assignment);
    await db.put("visits", visit);
  }
  const instrument = await db.get("instruments", visit.instrument_version);
  // Re-drawing the visit this tab already edits keeps its lock (asking again could find it still held).
  const again = current && current.visit.id === visit.id;
  const held = again && (keepLock || !current.lockedOut) ? !current.lockedOut : await lockVisit(visit.id);
  const serverStatus = visit.server ? visit.server.status : "draft";
  const locked = !["draft", "returned"].includes(serverStatus);
  current = { assignment, visit, instrument, readOnly: !held || locked, lockedOut: !held };
  const ro = current.readOnly;
  const school = assignment.school;
  const place = await outbox.placeOf(visit);

  const brief = h("details", { class: "panel brief", id: "brief", open: !visit.server },
    h("summary", {}, t("ข้อมูลโรงเรียน")),
    h("p", { class: "data" }, school.address || "—", school.district ? ` · ${school.district}` : ""),
    school.map_url ? h("p", {}, h("a", { href: school.map_url, target: "_blank", rel: "noopener" }, t("เปิดแผนที่"))) : null,
    school.director ? h("p", {}, t("ผู้อำนวยการ"), ": ", h("span", { class: "data" }, school.director.name),
      school.director.phone ? [" · ", h("a", { href: `tel:${school.director.phone}` }, school.director.phone)] : "",
      school.director.email ? ` · ${school.director.email}` : "") : null,
    assignment.open_followups.length ? [h("h3", {}, t("เรื่องที่โรงเรียนยังต้องดำเนินการ")),
      h("ul", {}, assignment.open_followups.map((f) => h("li", {}, h("span", { class: "data" }, f.recommendation), h("span", { class: "meta" }, ` · ${FOLLOWUP_STATUS[f.status] ? t(FOLLOWUP_STATUS[f.status]) : f.status_label}${f.due_date ? ` · ${t("กำหนด")} ${beDate(f.due_date)}` : ""}`))))] : null,
    assignment.last_visit && assignment.last_visit.recommendations.length ? [h("h3", {}, t("ข้อเสนอแนะจากการตรวจเยี่ยมครั้งก่อน")),
      h("ol", { class: "data" }, assignment.last_visit.recommendations.map((r) => h("li", {}, r)))] : null);

  const sections = instrument.sections.map((section) => h("section", { class: "panel section", id: `section-${section.id}` },
    h("h2", {}, `${section.order}. `, h("span", { class: "data" }, section.title), " ", h("span", { class: "progress", id: `progress-${section.id}` })),
    section.items.map((item) => h("div", { class: "question", id: `q-${item.id}`, "data-code": item.code },
      h("p", { class: "qtext" }, h("strong", {}, item.code), " ", h("span", { class: "data" }, item.text),
        item.required ? h("span", { class: "req" }, ` * ${t("ต้องตอบ")}`) : null,
        item.photo_required ? h("span", { class: "req" }, ` · ${t("ต้องมีภาพถ่าย")}`) : null),
      item.help_text ? h("p", { class: "meta data" }, item.help_text) : null,
      control(item, visit, ro),
      h("label", { class: "note" }, t("หมายเหตุของข้อนี้"), (() => {
        const el = h("textarea", { rows: 2, disabled: ro, "data-note": item.id, oninput: (e) => {
          visit.answers[item.id] = { value: null, ...(visit.answers[item.id] || {}), note: e.target.value };
          persist();
        } });
        el.value = (visit.answers[item.id] || {}).note || "";
        return el;
      })()),
      h("div", { class: "item-photos", "data-photos-for": item.id })))));

  const members = h("fieldset", { class: "panel", id: "members" }, h("legend", {}, t("กรรมการที่มาตรวจเยี่ยม")),
    assignment.committee.members.map((m) => h("label", { class: "choice" },
      h("input", { type: "checkbox", value: m.id, checked: visit.members_present.includes(m.id), disabled: ro, onchange: (e) => {
        const set = new Set(visit.members_present);
        if (e.target.checked) set.add(m.id); else set.delete(m.id);
        visit.members_present = [...set].sort((a, b) => a - b);
        persist();
      } }), h("span", { class: "data" }, m.name), ` (${MEMBER_ROLE[m.role] ? t(MEMBER_ROLE[m.role]) : m.role_label})`)));

  const findingText = (key) => {
    const el = h("textarea", { id: `finding-${key}`, rows: 4, disabled: ro, oninput: (e) => { visit.findings[key] = e.target.value; persist(); } });
    el.value = visit.findings[key] || "";
    return el;
  };
  const recList = h("ol", { id: "recommendations" });
  const drawRecs = () => {
    recList.replaceChildren(...visit.findings.recommendations.map((r, i) => {
      const input = h("input", { type: "text", value: r, disabled: ro, "aria-label": t("ข้อเสนอแนะข้อที่ {n}", { n: i + 1 }),
        oninput: (e) => { visit.findings.recommendations[i] = e.target.value; persist(); } });
      return h("li", {}, input, ro ? null : h("button", { class: "small", onclick: () => { visit.findings.recommendations.splice(i, 1); persist(); drawRecs(); } }, t("ลบ")));
    }));
  };
  drawRecs();

  const banners = [];
  if (current.lockedOut) banners.push(h("p", { class: "banner warn", id: "read-only" }, t("การตรวจเยี่ยมนี้เปิดแก้ไขอยู่ในอีกแท็บหนึ่ง แท็บนี้ดูได้อย่างเดียว")));
  else if (locked) banners.push(h("p", { class: "banner", id: "read-only" }, t("ส่งแล้ว แก้ไขไม่ได้")));
  if (serverStatus === "returned" && assignment.returned) banners.push(h("p", { class: "banner warn", id: "returned" },
    t("ประธานส่งกลับให้แก้ไข"), ": ", h("span", { class: "data" }, assignment.returned.comment), " — ", t("ต้องแก้ไขก่อนส่งใหม่")));
  // No network (or a server that did not answer) is a normal day in the field: the outbox tries again by itself,
  // and the supervisor is told when, in their language — not the browser's "TypeError: Failed to fetch".
  // A refusal by the server is another matter: its message (Thai or English) is shown as an error.
  if (visit.sync && visit.sync.state === "waiting") banners.push(h("p", { class: "banner", id: "retry", role: "status" },
    t("ยังส่งไม่ถึงเซิร์ฟเวอร์ (ไม่มีสัญญาณหรือเซิร์ฟเวอร์ไม่ตอบ) ข้อมูลอยู่ในแท็บเล็ตครบ จะลองส่งใหม่เองเมื่อ {at}",
      { at: beDateTime(new Date(visit.sync.next_at || Date.now()).toISOString()) })));
  else if (visit.sync && visit.sync.error && visit.sync.state !== "conflict") banners.push(h("p", { class: "banner error" }, t("ส่งไม่สำเร็จ"), `: ${visit.sync.error}`));

  root.replaceChildren(...[
    header(),
    h("div", { class: "form-head" }, h("a", { href: "#/", class: "button" }, `← ${t("กลับไปรายการ")}`),
      h("h1", { class: "data" }, school.name_th), h("span", { class: `badge ${place}`, id: "place", "data-place": place }, PLACE_LABEL[place]()),
      h("p", { class: "meta" }, `${beDate(assignment.date)} · `, h("span", { class: "data" }, assignment.round.title), " · ",
        h("span", { class: "data" }, instrument.name), ` (${t("ฉบับที่")} ${instrument.number})`),
      h("p", { class: "meta", id: "saved" })),
    ...banners,
    visit.sync && visit.sync.state === "conflict" ? conflictPanel() : null,
    h("div", { class: "error-summary", id: "error-summary", tabindex: "-1", hidden: true }),
    brief,
    h("section", { class: "panel" }, h("h2", {}, t("ลงเวลา")), gpsBlock("check_in"), gpsBlock("check_out")),
    members,
    ...sections,
    h("section", { class: "panel", id: "findings" }, h("h2", {}, t("ข้อค้นพบ")),
      h("label", {}, t("จุดเด่น"), findingText("strengths")),
      h("label", {}, t("จุดที่ควรพัฒนา"), findingText("to_improve")),
      h("h3", {}, t("ข้อเสนอแนะ")), recList,
      ro ? null : h("button", { id: "add-recommendation", onclick: () => { visit.findings.recommendations.push(""); persist(); drawRecs(); recList.lastChild.querySelector("input").focus(); } }, t("เพิ่มข้อเสนอแนะ"))),
    h("section", { class: "panel" }, h("h2", {}, t("ภาพถ่ายของการตรวจเยี่ยม")), await photoList(null)),
    h("section", { class: "panel" }, h("h2", {}, t("ลายมือชื่อ")), await signatureBlock()),
    h("section", { class: "panel submit" },
      ro ? null : h("button", { class: "primary big", id: "submit", onclick: submit }, t("ส่งการตรวจเยี่ยม")),
      ro ? null : h("button", { id: "send-draft", onclick: sendDraft }, t("บันทึกร่างขึ้นเซิร์ฟเวอร์")),
      h("p", { id: "submit-status", role: "status" },
        visit.queued && place !== "server" ? t("อยู่ในคิวส่งแล้ว จะส่งเมื่อมีสัญญาณ") : "",
        place === "server" && visit.server && visit.server.status === "submitted" ? t("ส่งถึงเซิร์ฟเวอร์แล้ว รอประธานตรวจ") : "")),
  ].filter(Boolean));
  for (const item of itemsOf(instrument)) {
    document.querySelector(`[data-photos-for="${item.id}"]`).append(await photoList(item));
  }
  updateProgress();
  const conflict = document.getElementById("conflict");
  if (conflict) conflict.scrollIntoView();
  else if (!keepLock) window.scrollTo(0, 0);
}

// --- routing -----------------------------------------------------------------------------------------------
async function render() {
  const m = location.hash.match(/^#\/visit\/(\d+)/);
  if (m) return renderForm(Number(m[1]));
  if (releaseLock) { releaseLock(); releaseLock = null; }
  current = null;
  return renderList();
}

window.addEventListener("hashchange", render);
function showNetwork() {
  const n = document.getElementById("network");
  if (n) {
    n.textContent = navigator.onLine ? t("ออนไลน์") : t("ออฟไลน์");
    n.className = `net ${navigator.onLine ? "on" : "off"}`;
  }
}
// Only the badge changes: an open form is never re-drawn under the supervisor's fingers.
window.addEventListener("online", showNetwork);
window.addEventListener("offline", showNetwork);
outbox.onChange((visitId) => {
  // The list redraws when a visit moves; an open form only updates its badge (typing is never interrupted).
  if (!current) { renderList(); return; }
  if (current.visit.id === visitId) {
    db.get("visits", visitId).then(async (v) => {
      if (!v || !current || current.visit.id !== visitId) return;
      await showPlace(v);
      if (v.sync && v.sync.state === "conflict" && !document.getElementById("conflict")) {
        current.visit.sync = v.sync;
        renderForm(current.assignment.id, { keepLock: true });
      }
      if (v.server) { current.visit.server = v.server; current.visit.server_version = v.server_version; current.visit.dirty = v.dirty; current.visit.queued = v.queued; current.visit.sync = v.sync; }
    });
  }
});
if (channel) channel.onmessage = (e) => {
  // Another tab saved: a read-only copy of the same visit shows the new state.
  if (current && current.readOnly && current.visit.id === e.data.visit) renderForm(current.assignment.id, { keepLock: true });
};

if ("serviceWorker" in navigator) navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" });
askPersistence().catch(() => null).then(render).then(() => outbox.start());
