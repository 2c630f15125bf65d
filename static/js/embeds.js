// Click-to-load embeds (briefing/rendering/embeds.py). The page shows a placeholder that
// names the provider and links to the original; this module adds a button that loads the
// provider's frame, and nothing is requested from the provider before that click (or key
// press: it is a real button). New updates arriving live are enhanced as they appear.

import { t } from "./i18n.js";

const SELECTOR = "figure[data-embed]";

function enhance(figure) {
  if (figure.hasAttribute("data-embed-ready")) return;
  figure.setAttribute("data-embed-ready", "");
  const label = figure.dataset.embedLabel || t("external");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "embed__load";
  button.textContent = t("loadEmbed", { service: label });
  const note = document.createElement("p");
  note.className = "embed__note";
  note.textContent = t("embedNote", { service: label });
  button.addEventListener("click", () => load(figure, label));
  figure.append(button, note);
}

function load(figure, label) {
  const frame = document.createElement("iframe");
  frame.className = "embed__frame";
  frame.title = t("embedTitle", { service: label });
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.allow = "encrypted-media; fullscreen; picture-in-picture";
  frame.setAttribute(
    "sandbox",
    "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation",
  );
  frame.src = figure.dataset.embedSrc;
  figure.querySelector(".embed__load")?.remove();
  figure.querySelector(".embed__note")?.remove();
  figure.classList.add("embed--loaded");
  figure.querySelector(".embed__provider").after(frame);
  frame.focus();
}

function enhanceWithin(node) {
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  if (node.matches(SELECTOR)) enhance(node);
  for (const figure of node.querySelectorAll(SELECTOR)) enhance(figure);
}

enhanceWithin(document.body);
new MutationObserver((records) => {
  for (const record of records) record.addedNodes.forEach(enhanceWithin);
}).observe(document.body, { childList: true, subtree: true });
