// The scripts' words, in the page's interface language. The server writes them into the
// page (<script type="application/json" id="i18n">, web/i18n.py script_messages), so no
// request fetches them and no inline script runs.
//
//   t("sent")                          → "Надіслано."
//   t("refused", { status: 422 })      → fills {status}
//   plural("newUpdates", 3)            → the form Intl.PluralRules picks for 3 ("3 нові оновлення")

const messages = (() => {
  const block = document.getElementById("i18n");
  try {
    return block ? JSON.parse(block.textContent) : {};
  } catch {
    return {};
  }
})();

export const locale = messages.locale || document.documentElement.lang || "en";

const numbers = new Intl.NumberFormat(locale);
const plurals = new Intl.PluralRules(locale);

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(typeof values[name] === "number" ? numbers.format(values[name]) : values[name]) : whole,
  );
}

export function t(key, values = {}) {
  const text = messages[key];
  return typeof text === "string" ? fill(text, values) : key;
}

export function plural(key, count, values = {}) {
  const forms = messages[key] || {};
  const text = forms[plurals.select(count)] ?? forms.other ?? key;
  return fill(text, { count, ...values });
}

// "5 minutes ago", "5 хвилин тому", "قبل ٥ دقائق": the browser's own words and plurals.
const relativeTime = "RelativeTimeFormat" in Intl ? new Intl.RelativeTimeFormat(locale, { numeric: "auto" }) : null;

export function ago(count, unit) {
  return relativeTime ? relativeTime.format(-count, unit) : "";
}
