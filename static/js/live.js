// Following a briefing as it changes: the one live client of the reader's page and the
// editors' console. `root` carries the stream's URL (data-events-url), the polling URL
// (data-changes-url) and the sequence number the page was rendered at (data-version).
//  - The stream (Server-Sent Events) resumes from the last change applied.
//  - When the stream keeps failing, or the browser has none, it polls /changes instead,
//    as often as the server's poll_after says (its ETag makes an unchanged answer cheap).
//  - Nothing is applied twice: every change carries a sequence number, and one already
//    applied is skipped, whichever path brought it.
//  - A hidden tab stops listening and catches up when shown again.
// The state is exposed as data-live-state on `root` ("streaming", "polling", "paused",
// "ended"): for styling, debugging and tests.

// "draft" (drafts and scheduled updates) comes only on the consoles' stream.
const TYPES = ["update", "retract", "pin", "key_event", "briefing", "ended", "draft"];
const MAX_STREAM_FAILURES = 3;

export function follow(root, apply) {
  const eventsUrl = root.dataset.eventsUrl;
  const changesUrl = root.dataset.changesUrl;
  let lastSeq = Number(root.dataset.version) || 0;
  let source = null;
  let failures = 0;
  let pollTimer = null;
  let pollDelay = 5_000;
  let ended = false;

  connect();
  document.addEventListener("visibilitychange", () => (document.hidden ? disconnect() : connect()));

  function connect() {
    if (ended || document.hidden) return;
    if (failures >= MAX_STREAM_FAILURES || !("EventSource" in window)) {
      schedulePoll(0);
      return;
    }
    if (source) return;
    source = new EventSource(`${eventsUrl}?since=${lastSeq}`);
    source.onopen = () => {
      failures = 0;
      setState("streaming");
    };
    source.onerror = () => {
      // The browser retries by itself; after repeated failures fall back to polling.
      if (source.readyState === EventSource.CLOSED || ++failures >= MAX_STREAM_FAILURES) {
        disconnect();
        connect();
      }
    };
    for (const type of TYPES) {
      source.addEventListener(type, (message) => receive(JSON.parse(message.data)));
    }
  }

  function disconnect() {
    source?.close();
    source = null;
    clearTimeout(pollTimer);
    pollTimer = null;
    if (!ended) setState("paused");
  }

  function setState(state) {
    root.dataset.liveState = state;
  }

  function schedulePoll(delay) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    if (ended || document.hidden) return;
    setState("polling");
    try {
      const response = await fetch(`${changesUrl}?since=${lastSeq}`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = await response.json();
      body.changes.forEach(receive);
      lastSeq = Math.max(lastSeq, body.last_seq);
      pollDelay = Math.max(1, body.poll_after || 5) * 1000;
      if (!ended) schedulePoll(pollDelay);
    } catch {
      pollDelay = Math.min(pollDelay * 2, 60_000); // back off while the server struggles
      schedulePoll(pollDelay);
    }
  }

  function receive(change) {
    if (change.seq <= lastSeq) return; // already applied, by this path or the other
    lastSeq = change.seq;
    apply(change);
    if (change.type === "ended") {
      // An ended briefing's stream is closed for good; there is nothing more to hear.
      ended = true;
      disconnect();
      setState("ended");
    }
  }
}
