// Editor console enhancements. Every action also works as a plain form POST without this
// file; with it, the console posts with fetch (asking for JSON) and never reloads.
// CSP-safe: no inline handlers, no eval, no inline styles (state is shown with classes).

import { t } from "./i18n.js";
import { follow } from "./live.js";

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
const STORAGE_PREFIX = "briefing:";

// ---------------------------------------------------------------------------------------
// Talking to the server

async function send(url, { body = null, method = "POST" } = {}) {
  const response = await fetch(url, {
    method,
    body,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
  });
  let data = {};
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    data = await response.json();
  }
  return { status: response.status, ok: response.ok, data };
}

function problemText(status, data) {
  if (status === 401) {
    return t("sessionEnded");
  }
  // The console's own answers say what happened in `message`; errors raised before an
  // action runs (session, CSRF, permissions, 404) arrive as problem+json with `detail`.
  return data.message || data.detail || t("refused", { status });
}

const flashes = document.getElementById("flashes");

function announce(message, kind = "success") {
  if (!flashes || !message) return;
  const p = document.createElement("p");
  p.className = `flash flash--${kind}`;
  p.textContent = message;
  flashes.replaceChildren(p);
}

// ---------------------------------------------------------------------------------------
// The list of updates. Keyed by `article#update-<id>`, so the live stream can deliver the
// same `_update.html` fragment to insertOrReplaceUpdate(html).

const consoleRoot = document.getElementById("console");
const publishedList = document.getElementById("console-updates");
const draftsList = document.getElementById("console-drafts");
const scheduledList = document.getElementById("console-scheduled");
const itemTemplate = document.getElementById("console-item-template");

function parseFragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content;
}

function newItem(article) {
  const id = article.dataset.updateId;
  const fragment = itemTemplate.content.cloneNode(true);
  const item = fragment.querySelector(".console-item");
  for (const el of [item, ...item.querySelectorAll("*")]) {
    for (const attr of ["href", "action", "data-update-id"]) {
      const value = el.getAttribute(attr);
      if (value && value.includes("__ID__")) el.setAttribute(attr, value.replaceAll("__ID__", id));
    }
  }
  item.id = `item-${id}`;
  item.prepend(article);
  return item;
}

function refreshSections() {
  for (const list of [draftsList, scheduledList]) {
    if (!list) continue;
    const section = list.closest("section");
    const count = list.children.length;
    section.hidden = count === 0;
    const badge = section.querySelector(".count");
    if (badge) badge.textContent = String(count);
  }
  const empty = consoleRoot?.querySelector("[data-empty-list]");
  if (empty && publishedList) empty.hidden = publishedList.children.length > 0;
}

function markFresh(item) {
  item.classList.remove("console-item--fresh");
  void item.offsetWidth; // restart the highlight
  item.classList.add("console-item--fresh");
}

function insertOrReplaceUpdate(html) {
  if (!consoleRoot || !publishedList) return null;
  const article = parseFragment(html).querySelector("article.update[id]");
  if (!article) return null;
  const existing = document.getElementById(article.id);
  let item = existing?.closest(".console-item");
  if (item && existing.isEqualNode(article)) return item; // the stream echoing our own post
  if (article.classList.contains("update--pinned")) unpinOthers(article.id);
  if (item) {
    existing.replaceWith(article);
    warnIfEditing(item, article);
  } else {
    item = newItem(article);
  }
  fillSchedule(item, article);
  const isScheduled = article.classList.contains("update--scheduled");
  const isDraft = article.classList.contains("update--draft");
  const list = isScheduled ? scheduledList : isDraft ? draftsList : publishedList;
  if (!list) {
    // Scheduled by an editor: no longer on a contributor's list of drafts.
    item.remove();
  } else if (isScheduled) {
    placeByTime(list, item);
  } else if (item.parentElement !== list) {
    if (isDraft) list.append(item);
    else list.prepend(item);
  }
  markFresh(item);
  refreshSections();
  return item;
}

function publishAt(element) {
  return element.querySelector("time[data-publish-at]")?.getAttribute("datetime") || "";
}

// Scheduled updates are listed in the order they go out.
function placeByTime(list, item) {
  const when = Date.parse(publishAt(item));
  const next = [...list.children].find(
    (other) => other !== item && Date.parse(publishAt(other)) > when,
  );
  list.insertBefore(item, next || null);
}

// The schedule form under an update starts at its current time (in the briefing's zone,
// as the fragment's datetime attribute carries it).
function fillSchedule(item, article) {
  const form = item.querySelector("[data-schedule-form]");
  const at = publishAt(article);
  if (!form || !at) return;
  form.elements.publish_date.value = at.slice(0, 10);
  form.elements.publish_time.value = at.slice(11, 16);
}

// An edit form open on an update that someone else has just changed says so, in place; the
// editor keeps writing, and saving shows both versions (the server refuses the stale one).
function warnIfEditing(item, article) {
  const form = item.querySelector("[data-edit-form]");
  if (!form || form.dataset.saving) return; // our own save, echoed by the stream
  const based = Number(form.elements.version?.value);
  if (Number(article.dataset.version) > based) {
    form.querySelector("[data-stale-notice]")?.removeAttribute("hidden");
  }
}

// One update holds the pinned slot: the one that lost it changed in the same write.
function unpinOthers(articleId) {
  for (const other of consoleRoot.querySelectorAll("article.update--pinned")) {
    if (other.id !== articleId) {
      other.classList.remove("update--pinned");
      other.querySelector(".tag--pinned")?.remove();
    }
  }
}

function removeUpdate(id) {
  document.getElementById(`item-${id}`)?.remove();
  refreshSections();
}

function applyResult(data) {
  for (const update of data.updates || []) insertOrReplaceUpdate(update.html);
  for (const id of data.removed || []) removeUpdate(id);
}

// Other editors' posts, edits, retractions and pins arrive as readers' pages get them, and
// drafts and scheduled updates too: the console follows the newsroom's own stream.
function showLive(change) {
  if (change.type === "retract") removeUpdate(change.id);
  else if (change.html) insertOrReplaceUpdate(change.html);
}

// ---------------------------------------------------------------------------------------
// Sources are credited in the order they are picked, numbered on the chips; the chips
// themselves never move. Nothing is picked for the editor: suggestions add on a click.

function setUpSourcePicker(picker) {
  const boxes = [...picker.querySelectorAll('input[type="checkbox"]')];
  picker.sourceOrder = boxes.filter((box) => box.checked).map((box) => box.value);
  picker.querySelector("[data-order-hint]")?.setAttribute("hidden", "");
  picker.querySelector("[data-order-hint-script]")?.removeAttribute("hidden");
  const show = () => {
    for (const box of boxes) {
      const position = picker.sourceOrder.indexOf(box.value);
      box.checked = position >= 0;
      const chip = box.closest(".chip");
      if (position >= 0 && picker.sourceOrder.length > 1) chip.dataset.order = String(position + 1);
      else delete chip.dataset.order;
    }
  };
  picker.addEventListener("change", (event) => {
    const box = event.target;
    picker.sourceOrder = picker.sourceOrder.filter((slug) => slug !== box.value);
    if (box.checked) picker.sourceOrder.push(box.value);
    show();
  });
  picker.setOrder = (slugs) => {
    picker.sourceOrder = slugs.filter((slug) => boxes.some((box) => box.value === slug));
    show();
  };
  // Adds, in order, those not picked yet: never switches one off.
  picker.add = (slugs) => {
    picker.setOrder([...picker.sourceOrder, ...slugs.filter((s) => !picker.sourceOrder.includes(s))]);
    picker.closest("form")?.dispatchEvent(new Event("change")); // kept like a click
  };
  show();
}

function formDataInOrder(form) {
  const data = new FormData(form);
  const picker = form.querySelector("[data-source-picker]");
  if (picker?.sourceOrder) {
    data.delete("sources");
    for (const slug of picker.sourceOrder) data.append("sources", slug);
  }
  return data;
}

// ---------------------------------------------------------------------------------------
// Text being written is kept in localStorage as it is typed, and cleared only once the
// server confirms it was saved, so a reload or a crashed browser loses nothing.

function storageKey(form) {
  return STORAGE_PREFIX + form.dataset.autosave;
}

function snapshot(form) {
  const picker = form.querySelector("[data-source-picker]");
  const value = (name) => form.elements[name]?.value ?? "";
  const checked = (name) => Boolean(form.elements[name]?.checked);
  return {
    headline: value("headline"),
    body: value("body"),
    correction: value("correction"),
    sources: picker?.sourceOrder ?? [],
    key_event: checked("key_event"),
    pinned: checked("pinned"),
    idempotency_key: value("idempotency_key"),
    version: value("version"),
    saved_at: new Date().toISOString(),
  };
}

function saveLocally(form) {
  const state = snapshot(form);
  const key = storageKey(form);
  try {
    if (!state.headline.trim() && !state.body.trim()) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(state));
  } catch {
    // Storage full or disabled: the form itself still works.
  }
}

function forgetLocally(form) {
  try {
    localStorage.removeItem(storageKey(form));
  } catch {
    // nothing to forget
  }
}

function restoreLocally(form) {
  let state = null;
  try {
    state = JSON.parse(localStorage.getItem(storageKey(form)) || "null");
  } catch {
    state = null;
  }
  if (!state || (!state.headline && !state.body)) return false;
  const set = (name, value) => {
    const field = form.elements[name];
    if (field && value !== undefined && value !== null) field.value = value;
  };
  set("headline", state.headline);
  set("body", state.body);
  set("correction", state.correction);
  // A retry after a crash reuses the key, so a post that did arrive is not made twice.
  set("idempotency_key", state.idempotency_key);
  // An edit restored on top of a newer version is refused as a conflict, never overwrites.
  set("version", state.version);
  for (const name of ["key_event", "pinned"]) {
    if (form.elements[name]) form.elements[name].checked = Boolean(state[name]);
  }
  form.querySelector("[data-source-picker]")?.setOrder?.(state.sources || []);
  return true;
}

function watchLocally(form) {
  form.addEventListener("input", () => saveLocally(form));
  form.addEventListener("change", () => saveLocally(form));
}

// ---------------------------------------------------------------------------------------
// Field errors from the server, shown beside their fields.

function showErrors(form, errors = {}) {
  for (const el of form.querySelectorAll("[data-error-for]")) {
    const messages = errors[el.dataset.errorFor] || [];
    el.textContent = messages.join(" ");
    el.hidden = messages.length === 0;
    const field = form.elements[el.dataset.errorFor];
    if (field instanceof HTMLElement) {
      if (messages.length) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    }
  }
  const box = form.querySelector("[data-form-errors]");
  if (box) {
    const messages = errors._form || [];
    box.replaceChildren(
      ...messages.map((message) => {
        const p = document.createElement("p");
        p.textContent = message;
        return p;
      }),
    );
    box.hidden = messages.length === 0;
  }
}

function isSubmitShortcut(event) {
  return event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.altKey;
}

// ---------------------------------------------------------------------------------------
// The composer

function setUpComposer(form) {
  const state = form.querySelector("[data-composer-state]");
  const body = form.elements.body;
  const preview = document.getElementById("preview");
  const previewBody = preview?.querySelector("[data-preview-body]");
  const picker = form.querySelector("[data-source-picker]");
  const creditCheck = form.querySelector("[data-credit-check]");
  let busy = false;

  const say = (message, isError = false) => {
    if (!state) return;
    state.textContent = message;
    state.classList.toggle("composer__state--error", isError);
  };

  if (restoreLocally(form)) say(t("restored"));
  watchLocally(form);

  async function showPreview() {
    const { ok, status, data } = await send(form.dataset.previewUrl, { body: formDataInOrder(form) });
    if (!ok) {
      say(problemText(status, data), true);
      return;
    }
    previewBody.innerHTML = data.html;
    preview.hidden = false;
  }

  async function post(action, button) {
    if (busy) return; // a double click posts once; the idempotency key covers retries
    busy = true;
    button?.setAttribute("aria-busy", "true");
    say(t({ draft: "savingDraft", schedule: "scheduling" }[action] || "publishing"));
    const data = formDataInOrder(form);
    data.set("action", action);
    let result;
    try {
      result = await send(form.getAttribute("action"), { body: data });
    } catch {
      say(t("offlineSend"), true);
      return;
    } finally {
      busy = false;
      button?.removeAttribute("aria-busy");
    }
    const { ok, status, data: answer } = result;
    if (answer.idempotency_key) form.elements.idempotency_key.value = answer.idempotency_key;
    if (ok && answer.question) {
      // "Credit Reuters?": asked in the form, once; the editor answers or keeps writing.
      creditCheck.innerHTML = answer.question;
      creditCheck.scrollIntoView({ block: "nearest" });
      say(answer.message);
      return;
    }
    if (ok) {
      applyResult(answer);
      for (const name of ["headline", "publish_date", "publish_time"]) {
        if (form.elements[name]) form.elements[name].value = "";
      }
      body.value = "";
      for (const name of ["key_event", "pinned"]) {
        if (form.elements[name]) form.elements[name].checked = false;
      }
      picker?.setOrder([]);
      creditCheck.replaceChildren();
      const suggestions = form.querySelector("[data-suggestions]");
      if (suggestions && answer.suggestions !== null) suggestions.innerHTML = answer.suggestions;
      showErrors(form);
      forgetLocally(form);
      if (preview) preview.hidden = true;
      say(answer.message || t("sent"));
      body.focus();
      return;
    }
    saveLocally(form);
    const fieldErrors = answer.errors && Object.keys(answer.errors).length > 0;
    showErrors(form, fieldErrors ? answer.errors : { _form: [problemText(status, answer)] });
    say(problemText(status, answer), true);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = event.submitter;
    const action = button?.value || form.querySelector("[data-default-action]").value;
    if (action === "preview") {
      showPreview();
    } else if (button?.dataset.suggest) {
      picker?.add(button.dataset.suggest.split(" "));
    } else if (button?.dataset.credit) {
      // "Credit Reuters and publish" (or schedule): picked here first, so the picker
      // shows the credit.
      picker?.add(button.dataset.credit.split(" "));
      post(button.dataset.answer || "publish", button);
    } else {
      post(action, button);
    }
  });

  form.addEventListener("keydown", (event) => {
    if (isSubmitShortcut(event)) {
      event.preventDefault();
      const button = form.querySelector("[data-default-action]");
      form.requestSubmit(button);
    }
  });
}

// ---------------------------------------------------------------------------------------
// Actions on listed updates: edit in place, delete, pin, key event, publish, history.

function closeEdit(item) {
  item.querySelector("[data-edit-panel]")?.remove();
  item.classList.remove("is-editing");
}

function mountEditPanel(item, html) {
  item.querySelector("[data-edit-panel]")?.remove();
  const panel = parseFragment(html).querySelector("[data-edit-panel]");
  item.append(panel);
  item.classList.add("is-editing");
  const form = panel.querySelector("[data-edit-form]");
  for (const picker of panel.querySelectorAll("[data-source-picker]")) setUpSourcePicker(picker);
  watchLocally(form);
  return form;
}

async function openEdit(link) {
  const item = link.closest(".console-item");
  const { ok, status, data } = await send(link.href, { method: "GET" });
  if (!ok) {
    announce(problemText(status, data), "error");
    return;
  }
  const form = mountEditPanel(item, data.html);
  if (restoreLocally(form)) announce(t("restoredEdit"), "info");
  form.elements.body.focus();
}

async function saveEdit(form, button = null) {
  const item = form.closest(".console-item");
  // "Credit Reuters and save": picked here first, so the picker shows the credit.
  if (button?.dataset.credit) {
    form.querySelector("[data-source-picker]")?.add(button.dataset.credit.split(" "));
  }
  let result;
  form.dataset.saving = "1";
  try {
    result = await send(form.getAttribute("action"), { body: formDataInOrder(form) });
  } catch {
    delete form.dataset.saving;
    saveLocally(form);
    announce(t("offlineSave"), "error");
    return;
  }
  delete form.dataset.saving;
  const { ok, status, data } = result;
  if (ok && data.question) {
    // Asked once, in the form: saving again as it is answers "no".
    const box = form.querySelector("[data-credit-check]");
    box.innerHTML = data.question;
    box.scrollIntoView({ block: "nearest" });
    announce(data.message, "info");
    return;
  }
  if (ok) {
    forgetLocally(form);
    closeEdit(item);
    applyResult(data);
    announce(data.message);
    item.querySelector("[data-edit]")?.focus();
    return;
  }
  if (data.html && item) {
    // A conflict (both versions, the editor's text kept) or field errors, explained in
    // the form itself.
    const again = mountEditPanel(item, data.html);
    saveLocally(again);
    again.elements.body.focus({ preventScroll: true });
    again.closest("[data-edit-panel]")?.scrollIntoView({ block: "start" });
    announce(status === 409 ? t("notSavedConflict") : t("notSavedCheck"), "error");
    return;
  }
  announce(problemText(status, data), "error");
}

async function toggleHistory(link) {
  const item = link.closest(".console-item");
  const open = item.querySelector("[data-history-panel]");
  if (open) {
    open.remove();
    link.setAttribute("aria-expanded", "false");
    return;
  }
  const { ok, status, data } = await send(link.href, { method: "GET" });
  if (!ok) {
    announce(problemText(status, data), "error");
    return;
  }
  const panel = parseFragment(data.html).querySelector("[data-history-panel]");
  item.append(panel);
  link.setAttribute("aria-expanded", "true");
}

async function deleteUpdate(link) {
  const ok = window.confirm(t("confirmDelete"));
  if (!ok) return;
  const body = new FormData();
  body.set("csrf_token", csrfToken);
  const result = await send(link.href, { body });
  if (!result.ok) {
    announce(problemText(result.status, result.data), "error");
    return;
  }
  applyResult(result.data);
  announce(result.data.message);
}

// "Credit Reuters?" before a draft or scheduled update goes out: asked once, in a form of
// its own under the item's actions, whose buttons answer (see `submitAction`).
function askBeforePublishing(item, answer) {
  item.querySelector("[data-publish-check]")?.remove();
  const question = parseFragment(answer.question).querySelector("[data-publish-check]");
  item.querySelector(".item-actions").after(question);
  question.scrollIntoView({ block: "nearest" });
  question.querySelector("button")?.focus({ preventScroll: true });
  announce(answer.message, "info");
}

async function submitAction(form, submitter = null) {
  const data = new FormData(form, submitter);
  const item = form.closest(".console-item");
  const article = item?.querySelector("article.update");
  if (data.has("version") && article) data.set("version", article.dataset.version);
  const buttons = form.querySelectorAll("button");
  for (const button of buttons) button.disabled = true;
  try {
    const { ok, status, data: answer } = await send(form.getAttribute("action"), { body: data });
    if (ok && answer.question) {
      askBeforePublishing(item, answer);
      return;
    }
    if (ok) item?.querySelector("[data-publish-check]")?.remove();
    applyResult(answer);
    announce(ok ? answer.message : problemText(status, answer), ok ? "success" : "error");
    if (ok) form.closest("details")?.removeAttribute("open");
  } catch {
    announce(t("offlineAction"), "error");
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

function setUpList(root) {
  root.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-edit], a[data-delete], a[data-history], a[data-cancel-edit]");
    if (!link || !root.contains(link) || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const item = link.closest(".console-item");
    if (!item) return; // on its own page, a link is a link
    event.preventDefault();
    if (link.matches("[data-edit]")) openEdit(link);
    else if (link.matches("[data-delete]")) deleteUpdate(link);
    else if (link.matches("[data-history]")) toggleHistory(link);
    else {
      const form = item.querySelector("[data-edit-form]");
      if (form) forgetLocally(form);
      closeEdit(item);
      item.querySelector("[data-edit]")?.focus();
    }
  });
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.closest(".console-item")) return;
    if (form.matches("[data-enhance]")) {
      event.preventDefault();
      submitAction(form, event.submitter);
    } else if (form.matches("[data-edit-form]")) {
      event.preventDefault();
      saveEdit(form, event.submitter);
    }
  });
  root.addEventListener("keydown", (event) => {
    const form = event.target.closest?.("[data-edit-form]");
    if (!form || !form.closest(".console-item")) return;
    if (isSubmitShortcut(event)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape") {
      form.querySelector("[data-cancel-edit]")?.click();
    }
  });
}

// ---------------------------------------------------------------------------------------
// New briefing: a slug suggested from the title (the server derives one too when the
// field is left empty), and the editor's own timezone for a newsroom's first briefing.

function slugify(title, maxLength = 60) {
  const words = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .match(/[a-z0-9]+/g) || [];
  let out = "";
  for (const word of words) {
    const candidate = out ? `${out}-${word}` : word;
    if (candidate.length > maxLength) break;
    out = candidate;
  }
  return out;
}

function setUpNewBriefing(form) {
  const title = form.elements.title;
  const slug = form.elements.slug;
  let edited = Boolean(slug.value);
  slug.addEventListener("input", () => {
    edited = slug.value !== "";
  });
  title.addEventListener("input", () => {
    if (!edited) slug.value = slugify(title.value);
  });
  if (form.hasAttribute("data-local-timezone")) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const select = form.elements.timezone;
    if (zone && [...select.options].some((option) => option.value === zone)) select.value = zone;
  }
}

// ---------------------------------------------------------------------------------------
// Settings: the summary box previewed as readers will see it.

function setUpSettings(form) {
  const button = form.querySelector("[data-summary-preview]");
  const preview = document.getElementById("summary-preview");
  button?.addEventListener("click", async (event) => {
    event.preventDefault();
    const body = new FormData();
    body.set("summary", form.elements.summary.value);
    const { ok, status, data } = await send(form.dataset.summaryPreviewUrl, { body });
    if (!ok) {
      announce(problemText(status, data), "error");
      return;
    }
    preview.querySelector("[data-preview-body]").innerHTML = data.html;
    preview.hidden = false;
  });
}

// ---------------------------------------------------------------------------------------

for (const picker of document.querySelectorAll("[data-source-picker]")) setUpSourcePicker(picker);
const composer = document.getElementById("composer");
if (composer) setUpComposer(composer);
if (consoleRoot) {
  setUpList(consoleRoot);
  follow(consoleRoot, showLive);
}
const newBriefing = document.getElementById("new-briefing");
if (newBriefing) setUpNewBriefing(newBriefing);
const settingsForm = document.querySelector("form[data-summary-preview-url]");
if (settingsForm) setUpSettings(settingsForm);
for (const input of document.querySelectorAll("[data-select-on-focus]")) {
  input.addEventListener("focus", () => input.select());
}
