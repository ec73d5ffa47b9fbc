// Thai is the source language: every string in the app is written once, in Thai, as t(msgid). The shell
// carries the Django catalogue's translations of those msgids for the active language (field/strings.py
// lists them; `make messages` puts them in field/locale/). A missing translation shows the Thai.
const catalogue = JSON.parse(document.getElementById("field-catalogue").textContent);

// Marks a msgid that is translated later, through a variable (so the string list finds it).
export const N_ = (msgid) => msgid;

export function t(msgid, values) {
  let text = catalogue[msgid] || msgid;
  if (values) for (const [k, v] of Object.entries(values)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

const BE_OFFSET = 543;
const MONTHS = [N_("ม.ค."), N_("ก.พ."), N_("มี.ค."), N_("เม.ย."), N_("พ.ค."), N_("มิ.ย."), N_("ก.ค."), N_("ส.ค."), N_("ก.ย."),
  N_("ต.ค."), N_("พ.ย."), N_("ธ.ค.")];

// Dates a person reads are Buddhist Era, Asia/Bangkok.
export function beDate(iso) {
  if (!iso) return "—";
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso);
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Bangkok", year: "numeric", month: "numeric", day: "numeric" })
    .formatToParts(d).reduce((o, p) => ({ ...o, [p.type]: p.value }), {});
  return `${Number(parts.day)} ${t(MONTHS[Number(parts.month) - 1])} ${Number(parts.year) + BE_OFFSET}`;
}

export function beDateTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  const time = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Bangkok", hour: "2-digit", minute: "2-digit" }).format(d);
  return `${beDate(iso)} ${time} ${t("น.")}`;
}
