// Times beside an update's own ("14:32 Kyiv time", in the briefing's zone, from the server):
//  - the reader's own clock, inline ("· 12:32 your time"), when it reads differently: the
//    server cannot know the reader's zone, and phones never show a hover tooltip;
//  - "5 min ago", refreshed every minute.
// Both are added to the update's meta line on the article itself, before it is shown (live
// updates) or as the page first renders, so nothing above the reader moves later. Words and
// formats are the page's interface language (i18n.js).

import { ago, locale, t } from "./i18n.js";

refreshTimes();
setInterval(refreshTimes, 60_000);

export function refreshTimes() {
  const now = Date.now();
  for (const time of document.querySelectorAll(".update__time time")) {
    const stamp = time.getAttribute("datetime");
    const when = new Date(stamp);
    if (Number.isNaN(when.getTime())) continue;
    const group = time.closest(".update__when");
    if (!group) continue;
    time.title = t("yourTime", { time: when.toLocaleString(locale) });
    const local = readerClock(stamp, when);
    let own = group.querySelector(".update__local");
    if (local && !own) {
      own = document.createElement("span");
      own.className = "update__local";
      group.append(own);
    }
    // One unit on a narrow screen: the line breaks after the dot (site.css), not inside.
    if (own) own.textContent = local ? t("yourClock", { time: local }).replaceAll(" ", "\u00a0") : "";
    own?.toggleAttribute("hidden", !local);
    showAgo(group, relative(now - when.getTime()));
  }
}

// "12:32" in the reader's zone, or "" when it shows what the briefing's label shows: the
// offset written in the datetime attribute (the briefing's zone) is the reader's own then.
function readerClock(stamp, when) {
  const offset = /([+-])(\d\d):(\d\d)$/.exec(stamp);
  const briefingOffset = offset
    ? (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]))
    : 0; // "Z"
  if (briefingOffset === -when.getTimezoneOffset()) return "";
  return when.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

function showAgo(group, text) {
  let ago = group.parentElement.querySelector(".update__ago");
  if (!text) {
    ago?.remove();
    return;
  }
  if (!ago) {
    ago = document.createElement("span");
    ago.className = "update__ago";
    group.after(ago);
  }
  ago.textContent = text;
}

function relative(ms) {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return t("justNow");
  if (minutes < 60) return ago(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return ago(hours, "hour");
  return "";
}
