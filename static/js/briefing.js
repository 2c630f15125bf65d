// Live page enhancements. The page is complete without this file; with it, new updates
// arrive by themselves. Rules that matter to readers:
//  - the page never moves under the reader: while they are scrolled down, new updates wait
//    behind a "N new updates" button instead of being inserted above them;
//  - nothing is shown twice: every change carries a sequence number, and a change already
//    applied is ignored, whichever path (stream or polling) brought it (see live.js).

import { plural, t } from "./i18n.js";
import { follow } from "./live.js";
import { refreshTimes } from "./times.js";

const root = document.querySelector(".briefing");
const wide = window.matchMedia("(min-width: 60rem)");

// Open folded panels (key events) where the sidebar has room beside the updates; on
// phones they stay folded so the latest updates come first. The sidebar never moves the
// updates column, so opening it does not shift what the reader sees.
if (wide.matches) {
  for (const panel of document.querySelectorAll("details[data-open-when-wide]")) {
    panel.open = true;
  }
}

if (root && root.hasAttribute("data-live")) {
  startLive(root);
}

// ---------------------------------------------------------------------------------------
// Live delivery.

function startLive(root) {
  const stream = document.getElementById("updates");
  const pinnedSlot = document.querySelector(".pinned");
  const newButton = document.querySelector(".new-updates");
  const status = document.getElementById("live-status");
  const baseTitle = document.title;

  let unseen = 0;
  const waiting = new Map(); // id → article element held back while the reader is scrolled down
  let leadWaiting = null; // a new lead photo's HTML, held back while the reader is scrolled down

  follow(root, apply);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && atTop() && waiting.size === 0) markSeen();
  });
  newButton.addEventListener("click", showWaiting);
  window.addEventListener("scroll", () => {
    if (leadWaiting !== null && atTop()) placeLeadPhoto(leadWaiting);
    if (atTop() && waiting.size === 0 && !document.hidden) markSeen();
  }, { passive: true });

  function apply(change) {
    if (change.credits_html !== undefined) updateCredits(change.credits_html);
    switch (change.type) {
      case "update":
      case "pin":
      case "key_event":
        placeUpdate(change);
        break;
      case "retract":
        removeUpdate(change.id);
        break;
      case "briefing":
        updateHeader(change);
        break;
      case "ended":
        updateHeader(change);
        end(change);
        break;
    }
    touchLastUpdated();
  }

  function placeUpdate(change) {
    const article = fragment(change.html);
    updateKeyEvent(change);
    if (change.pinned) {
      demoteCurrentPin(change.id);
      document.getElementById(`update-${change.id}`)?.remove();
      waiting.delete(change.id);
      pinnedSlot.replaceChildren(article);
      pinnedSlot.hidden = false;
      refreshTimes();
      return;
    }
    const existing = document.getElementById(`update-${change.id}`);
    if (existing) {
      if (existing.parentElement === pinnedSlot) {
        // Unpinned: back into the stream at its place in time.
        existing.remove();
        pinnedSlot.hidden = true;
        insertInOrder(article);
      } else {
        existing.replaceWith(article); // an edit: in place
      }
    } else if (waiting.has(change.id)) {
      waiting.set(change.id, article);
    } else if (change.type === "update") {
      arrive(article, change.id);
    }
    refreshTimes();
  }

  function arrive(article, id) {
    if (atTop() && !document.hidden) {
      insertInOrder(article);
      announce(plural("newUpdates", 1));
    } else if (atTop()) {
      insertInOrder(article); // hidden tab at the top: nothing to disturb, count it unseen
      unseen += 1;
    } else {
      waiting.set(id, article);
      unseen += 1;
      newButton.textContent = plural("newUpdates", waiting.size);
      newButton.hidden = false;
      announce(newButton.textContent);
    }
    updateTitle();
  }

  function showWaiting() {
    const articles = [...waiting.values()];
    waiting.clear();
    newButton.hidden = true;
    articles.forEach(insertInOrder);
    refreshTimes();
    markSeen();
    stream.scrollIntoView({ block: "start" });
    articles.at(-1)?.querySelector("a")?.focus({ preventScroll: true });
  }

  function removeUpdate(id) {
    waiting.delete(id);
    if (waiting.size === 0) newButton.hidden = true;
    const article = document.getElementById(`update-${id}`);
    if (article?.parentElement === pinnedSlot) pinnedSlot.hidden = true;
    article?.remove();
    document.querySelector(`.key-events__item[data-update-id="${id}"]`)?.remove();
    updateKeyEventCount();
  }

  function demoteCurrentPin(newId) {
    const current = pinnedSlot.querySelector("article");
    if (!current || current.id === `update-${newId}`) return;
    current.classList.remove("update--pinned");
    current.querySelector(".tag--pinned")?.remove();
    current.remove();
    insertInOrder(current);
  }

  function insertInOrder(article) {
    document.getElementById("no-updates")?.remove();
    const when = timeOf(article);
    for (const other of stream.querySelectorAll(":scope > article")) {
      if (timeOf(other) < when || (timeOf(other) === when && idOf(other) < idOf(article))) {
        other.before(article);
        return;
      }
    }
    // Older than everything shown: it belongs on a later page unless this one is short.
    if (!document.querySelector(".pager a[rel=next]")) stream.append(article);
  }

  function updateKeyEvent(change) {
    const list = document.querySelector(".key-events__list");
    const existing = list.querySelector(`[data-update-id="${change.id}"]`);
    if (!change.key_event) {
      existing?.remove();
    } else {
      const item = fragment(change.key_event_html);
      const link = item.querySelector("a");
      if (document.getElementById(`update-${change.id}`) || change.type === "update") {
        link.href = `#update-${change.id}`;
      }
      existing?.remove();
      insertKeyEvent(list, item);
    }
    updateKeyEventCount();
  }

  // Newest first, by publish time, as the server orders the list: marking an older update
  // as a key event puts it at its place in time, not at the top.
  function insertKeyEvent(list, item) {
    const when = timeOf(item);
    const id = idOf(item);
    const older = [...list.children].find(
      (other) => timeOf(other) < when || (timeOf(other) === when && idOf(other) < id),
    );
    if (older) older.before(item);
    else list.append(item);
    // As long as a reload's list, no longer: the oldest fall off the end.
    const shown = Number(list.dataset.shown) || Infinity;
    while (list.children.length > shown) list.lastElementChild.remove();
  }

  function updateKeyEventCount() {
    const list = document.querySelector(".key-events__list");
    const count = list.children.length;
    document.querySelector(".key-events__count").textContent = String(count);
    document.querySelector(".key-events").hidden = count === 0;
  }

  function updateHeader(change) {
    document.querySelector(".briefing__title").textContent = change.title;
    const standfirst = document.querySelector(".briefing__standfirst");
    standfirst.textContent = change.standfirst;
    standfirst.hidden = !change.standfirst;
    const summary = document.querySelector(".summary-box");
    summary.querySelector(".prose").innerHTML = change.summary_html; // sanitized when saved
    summary.hidden = !change.summary_html;
    if (change.lead_html !== undefined) updateLeadPhoto(change.lead_html);
  }

  // A lead photo set, changed or taken away. The same photo is left alone (its image stays
  // loaded), and a new one waits while the reader is below the header: its height would
  // move the page under them.
  function updateLeadPhoto(html) {
    const current = document.querySelector(".briefing__header .lead-photo");
    const next = html ? fragment(html) : null;
    if ((current?.outerHTML ?? "") === (next?.outerHTML ?? "")) {
      leadWaiting = null;
      return;
    }
    if (atTop()) placeLeadPhoto(html);
    else leadWaiting = html;
  }

  function placeLeadPhoto(html) {
    leadWaiting = null;
    const current = document.querySelector(".briefing__header .lead-photo");
    const next = html ? fragment(html) : null;
    if (current && next) current.replaceWith(next);
    else if (current) current.remove();
    else if (next) document.querySelector(".briefing__standfirst").after(next);
  }

  function updateCredits(html) {
    // The footer's "Reporting in this briefing by …", as the server words it now.
    document.querySelector(".credits")?.replaceWith(fragment(html));
  }

  function end(change) {
    const badge = document.querySelector(".briefing__status .badge");
    badge.className = "badge badge--ended";
    badge.textContent = t("ended");
    const notice = fragment(change.ended_html); // with the time coverage closed
    document.querySelector(".notice--ended").replaceWith(notice);
    notice.hidden = false;
    root.dataset.status = "ended";
    announce(notice.textContent);
  }

  function touchLastUpdated() {
    const stamp = document.querySelector(".briefing__updated");
    const newest = stream.querySelector(":scope > article time");
    if (newest) {
      stamp.querySelector("time").replaceWith(newest.cloneNode(true));
      stamp.hidden = false;
    }
  }

  function markSeen() {
    unseen = 0;
    updateTitle();
  }

  function updateTitle() {
    document.title = unseen > 0 ? `(${unseen}) ${baseTitle}` : baseTitle;
  }

  function announce(text) {
    status.textContent = text;
  }

  function atTop() {
    // The top of the updates is in view (or below it): a new one appears where it is seen.
    return stream.getBoundingClientRect().top >= 0;
  }
}

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

function timeOf(article) {
  return Date.parse(article.querySelector("time")?.getAttribute("datetime") ?? "") || 0;
}

function idOf(article) {
  return Number(article.dataset.updateId) || 0;
}
