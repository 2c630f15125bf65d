// Photos in the composer: upload by button, drag-and-drop or paste, with progress; reuse
// a recent upload; either way the Markdown image line goes in at the cursor, on a line of
// its own. Uploads go to the API's media door with this session's CSRF token, the same
// door bots use (POST /api/v1/media).

import { t } from "./i18n.js";

const panel = document.querySelector("[data-media-panel]");
const composer = document.getElementById("composer");
const body = composer?.querySelector("textarea[name='body']");

if (panel && body) setUp(panel, body);

function setUp(panel, body) {
  panel.hidden = false;
  // The panel's own form (console.html) only keeps its inputs out of the composer.
  document.getElementById("media-words")?.addEventListener("submit", (e) => e.preventDefault());
  const file = panel.querySelector("[data-media-file]");
  const progress = panel.querySelector("[data-media-progress]");
  const status = panel.querySelector("[data-media-status]");
  const words = {
    alt: panel.querySelector("#media-alt"),
    caption: panel.querySelector("#media-caption"),
    credit: panel.querySelector("#media-credit"),
  };
  const csrf = document.querySelector("meta[name='csrf-token']")?.content ?? "";

  function say(message, isError = false) {
    status.textContent = message;
    status.classList.toggle("media-panel__status--error", isError);
  }

  // A dropped connection or a proxy's gateway error is tried again, with the same key, so an
  // upload that did arrive (only its answer was lost) is answered with the photo, not stored
  // twice.
  const RETRY_AFTER = [1_000, 3_000, 9_000];
  const GATEWAY_ERRORS = new Set([502, 504]); // a proxy that lost the app, not its answer

  function upload(image) {
    if (!image) return;
    const data = new FormData();
    data.append("file", image, image.name || "pasted-image");
    for (const [name, input] of Object.entries(words)) data.append(name, input.value.trim());
    progress.value = 0;
    progress.hidden = false;
    say(t("uploading"));
    send(data, newKey(), 0);
  }

  function send(data, key, attempt) {
    const request = new XMLHttpRequest();
    request.open("POST", panel.dataset.uploadUrl);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", csrf);
    request.setRequestHeader("Idempotency-Key", key);
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) progress.value = Math.round((100 * event.loaded) / event.total);
    });
    const retry = () => {
      if (attempt >= RETRY_AFTER.length) return false;
      say(t("uploadRetrying"));
      setTimeout(() => send(data, key, attempt + 1), RETRY_AFTER[attempt]);
      return true;
    };
    request.addEventListener("load", () => {
      if (GATEWAY_ERRORS.has(request.status) && retry()) return;
      progress.hidden = true;
      const answer = request.response || {};
      if (request.status !== 201) {
        const detail = answer.errors?.map((e) => e.message).join(" ") || answer.detail;
        say(t("uploadFailed", { reason: detail || t("uploadError", { status: request.status }) }), true);
        return;
      }
      insert(answer, words.alt.value.trim());
      for (const input of Object.values(words)) input.value = "";
      say(
        answer.alt
          ? t("uploaded")
          : t("uploadedNeedsAlt"),
      );
    });
    request.addEventListener("error", () => {
      if (retry()) return;
      progress.hidden = true;
      say(t("uploadOffline"), true);
    });
    request.send(data);
  }

  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs HTTPS
    return `upload-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  }

  // The Markdown line at the cursor, alone on its line, as the renderer wants it.
  function insert(photo, alt) {
    const { selectionStart: start, selectionEnd: end, value } = body;
    const before = value.slice(0, start);
    const after = value.slice(end);
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    const line = `![${(alt || photo.alt || "").replace(/[[\]]/g, "")}](${photo.url})`;
    body.setRangeText(lead + line + trail, start, end, "end");
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true })); // autosave keeps it
  }

  function firstImage(files) {
    return Array.from(files || []).find((f) => f.type.startsWith("image/")) ?? files?.[0];
  }

  // A message about the last upload is stale once the update is sent.
  composer.addEventListener("submit", () => say(""));

  file.addEventListener("change", () => {
    upload(firstImage(file.files));
    file.value = "";
  });

  body.addEventListener("dragover", (event) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    body.classList.add("field__input--drop");
  });
  body.addEventListener("dragleave", () => body.classList.remove("field__input--drop"));
  body.addEventListener("drop", (event) => {
    body.classList.remove("field__input--drop");
    const image = firstImage(event.dataTransfer?.files);
    if (!image) return;
    event.preventDefault();
    upload(image);
  });
  body.addEventListener("paste", (event) => {
    const image = Array.from(event.clipboardData?.files || []).find((f) =>
      f.type.startsWith("image/"),
    );
    if (!image) return; // text pastes as usual
    event.preventDefault();
    upload(image);
  });

  // Recent uploads, fetched when the list is first opened.
  const recent = panel.querySelector("[data-media-recent]");
  const picker = panel.querySelector("[data-media-picker]");
  recent.addEventListener("toggle", async () => {
    if (!recent.open) return;
    const response = await fetch(recent.dataset.listUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      say(t("recentFailed"), true);
      return;
    }
    const { items } = await response.json();
    picker.replaceChildren(...items.map((photo) => pickerItem(photo)));
    if (!items.length) picker.append(Object.assign(document.createElement("li"), { textContent: t("noPhotos") }));
  });

  function pickerItem(photo) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "media-picker__item";
    const thumbnail = document.createElement("img");
    thumbnail.src = photo.variants[0].url;
    thumbnail.alt = "";
    thumbnail.width = 120;
    thumbnail.height = Math.round((120 * photo.height) / photo.width);
    const label = document.createElement("span");
    label.textContent = photo.alt || photo.caption || t("photoNoAlt", { id: photo.id });
    button.append(thumbnail, label);
    button.setAttribute("aria-label", t("insert", { label: label.textContent }));
    button.addEventListener("click", () => {
      insert(photo, "");
      say(photo.alt ? t("placed") : t("placedNeedsAlt"));
    });
    item.append(button);
    return item;
  }
}
