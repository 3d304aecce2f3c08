// The live room: one Socket.IO connection to /live, messages kept in seq order,
// reconnect catch-up through `sync`, and an outbox that survives a dropped network.
// User text is only ever set as textContent; links are built as elements.
import { io } from "/static/vendor/socket.io.esm.min.js";

const root = document.getElementById("live-room");
const meetingId = Number(root.dataset.meetingId);
const myId = Number(root.dataset.userId);
const myRole = root.dataset.role;
const bodyMax = Number(root.dataset.bodyMax);
const isFacilitator = myRole === "facilitator";
const ACK_TIMEOUT_MS = 10000;
const TYPING_IDLE_MS = 4000;

const el = (id) => document.getElementById(id);
const list = el("messages");
const connectionState = el("connection-state");
const errorBox = el("live-error");
const composer = el("composer");
const bodyInput = el("composer-body");
const counter = el("composer-count");

const bySeq = new Map(); // seq -> <li>
const pending = new Map(); // client_id -> {body, li}
const outboxKey = `cop-live-outbox-${meetingId}-${myId}`;
let lastSeq = 0; // every seq up to this one is on screen
let joined = false;
let removed = false;
let muted = false;
let present = [];
let syncing = null;

function newClientId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
}

function setConnection(state, text) {
  connectionState.dataset.state = state;
  connectionState.textContent = text;
}

// ---- safe rendering: text nodes, and http(s) links as elements
const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

function appendLinkedText(parent, text) {
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0].replace(/[.,;:!?)\]]+$/, "");
    const start = match.index;
    parent.append(document.createTextNode(text.slice(last, start)));
    let safe = null;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") safe = parsed.href;
    } catch {
      safe = null;
    }
    if (safe) {
      const link = document.createElement("a");
      link.href = safe;
      link.rel = "noopener noreferrer nofollow";
      link.target = "_blank";
      link.textContent = url;
      parent.append(link);
    } else {
      parent.append(document.createTextNode(url));
    }
    last = start + url.length;
  }
  parent.append(document.createTextNode(text.slice(last)));
}

function messageElement(message, { isPending = false } = {}) {
  const li = document.createElement("li");
  li.className = "message";
  const meta = document.createElement("p");
  meta.className = "message-meta";
  const name = document.createElement("strong");
  name.textContent = message.author_name;
  meta.append(name);
  if (message.author_role !== "member") {
    const role = document.createElement("span");
    role.className = "role";
    role.textContent = message.author_role;
    meta.append(role);
  }
  const time = document.createElement("time");
  if (message.created_at) {
    time.dateTime = message.created_at;
    time.textContent = new Date(message.created_at).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  } else {
    time.textContent = isPending ? "sending…" : "";
  }
  meta.append(time);
  li.append(meta);
  const body = document.createElement("p");
  body.className = "message-body";
  li.append(body);
  if (isPending) {
    li.classList.add("message-pending");
    li.dataset.clientId = message.client_id;
    appendLinkedText(body, message.body);
    return li;
  }
  li.dataset.seq = String(message.seq);
  li.dataset.messageId = String(message.id);
  if (message.deleted) {
    markDeleted(li, message.deleted_label);
  } else {
    appendLinkedText(body, message.body);
    if (isFacilitator) {
      const actions = document.createElement("span");
      actions.className = "message-actions";
      const del = document.createElement("button");
      del.type = "button";
      del.className = "link-button";
      del.textContent = "Delete";
      del.setAttribute("aria-label", `Delete message from ${message.author_name}`);
      del.addEventListener("click", () => deleteMessage(message.id));
      actions.append(del);
      meta.append(actions);
    }
  }
  return li;
}

function markDeleted(li, label) {
  li.classList.add("message-deleted");
  const body = li.querySelector(".message-body");
  body.textContent = label || "removed by facilitator";
  const actions = li.querySelector(".message-actions");
  if (actions) actions.remove();
}

function placeMessage(message) {
  if (bySeq.has(message.seq)) return;
  const li = messageElement(message);
  bySeq.set(message.seq, li);
  // Before the first shown message with a higher seq, otherwise before pending ones.
  let before = null;
  for (const child of list.children) {
    if (child.dataset.seq && Number(child.dataset.seq) > message.seq) { before = child; break; }
    if (!child.dataset.seq) { before = child; break; }
  }
  const stick = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.insertBefore(li, before);
  if (message.author_id === myId && pending.has(message.client_id)) {
    pending.get(message.client_id).li.remove();
    pending.delete(message.client_id);
    saveOutbox();
  }
  while (bySeq.has(lastSeq + 1)) lastSeq += 1;
  if (stick) list.scrollTop = list.scrollHeight;
}

function receive(message) {
  if (message.session_id !== meetingId) return;
  placeMessage(message);
  if (message.seq > lastSeq) catchUp(); // a gap: something was missed
}

async function catchUp() {
  if (syncing || !joined) return syncing;
  syncing = (async () => {
    try {
      for (;;) {
        const answer = await request("sync", { session_id: meetingId, after_seq: lastSeq });
        if (!answer.ok) { showError(answer.error.message); break; }
        answer.messages.forEach(placeMessage);
        for (const seq of answer.deleted) {
          const li = bySeq.get(seq);
          if (li && !li.classList.contains("message-deleted")) markDeleted(li);
        }
        if (!answer.more) break;
      }
    } catch {
      // the connection dropped again; the next connect catches up
    } finally {
      syncing = null;
    }
  })();
  return syncing;
}

// ---- the connection
const socket = io("/live", { transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });

function request(event, payload) {
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, answer) => {
      if (err) reject(err); else resolve(answer);
    });
  });
}

socket.on("connect", async () => {
  setConnection("connecting", "Joining…");
  let answer;
  try {
    answer = await request("join", { session_id: meetingId });
  } catch {
    return; // the connection dropped; socket.io reconnects and we come back here
  }
  if (!answer.ok) {
    setConnection("offline", "Not in the room");
    showError(answer.error.message);
    if (answer.error.code === "removed") stopForGood();
    return;
  }
  joined = true;
  showError("");
  setConnection("connected", "Connected");
  applyState(answer.state);
  muted = answer.muted;
  updateComposer();
  setPresence(answer.present);
  renderRound(answer.round);
  answer.messages.forEach(placeMessage);
  await catchUp();
  flushOutbox();
});

socket.on("disconnect", () => {
  joined = false;
  if (!removed) setConnection("reconnecting", navigator.onLine ? "Reconnecting…" : "Offline: messages will be sent when you are back");
});
socket.on("connect_error", (error) => {
  if (error && error.message && !socket.active) {
    setConnection("offline", "Not connected");
    showError("Could not connect. Please sign in again and reload the page.");
  } else {
    setConnection("reconnecting", "Reconnecting…");
  }
});
window.addEventListener("offline", () => setConnection("reconnecting", "Offline: messages will be sent when you are back"));

socket.on("message", receive);
socket.on("message_deleted", (event) => {
  if (event.session_id !== meetingId) return;
  const li = bySeq.get(event.seq);
  if (li) markDeleted(li, event.deleted_label);
});
socket.on("presence", (event) => { if (event.session_id === meetingId) setPresence(event.present); });
socket.on("room_state", (event) => { if (event.session_id === meetingId) applyState(event); });
socket.on("prompt", (event) => { if (event.session_id === meetingId) showCard(event); });
socket.on("round", (event) => { if (event.session_id === meetingId) renderRound(event.round); });
socket.on("muted", (event) => {
  if (event.session_id !== meetingId) return;
  if (event.user_id === myId) { muted = event.muted; updateComposer(); }
  present = present.map((p) => (p.user_id === event.user_id ? { ...p, muted: event.muted } : p));
  setPresence(present);
});
socket.on("removed", (event) => {
  if (event.session_id === meetingId) stopForGood();
});

function stopForGood() {
  removed = true;
  joined = false;
  socket.disconnect();
  setConnection("offline", "Removed from this meeting");
  showError("A facilitator removed you from this meeting. If you need support, the crisis resources are one tap away.");
  if (composer) composer.querySelector("button[type=submit]").disabled = true;
}

// ---- typing
const typers = new Map(); // user_id -> timeout
const typingLine = el("typing");
socket.on("typing", (event) => {
  if (event.session_id !== meetingId || event.user_id === myId) return;
  clearTimeout(typers.get(event.user_id)?.timer);
  if (event.typing) {
    typers.set(event.user_id, { name: event.name, timer: setTimeout(() => { typers.delete(event.user_id); showTypers(); }, TYPING_IDLE_MS + 2000) });
  } else {
    typers.delete(event.user_id);
  }
  showTypers();
});
function showTypers() {
  const names = Array.from(typers.values(), (t) => t.name);
  typingLine.textContent = names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
}
let typingSent = 0;
function sendTyping(isTyping) {
  if (!joined) return;
  socket.emit("typing", { session_id: meetingId, typing: isTyping }, () => {});
}

// ---- room state, presence, cards, rounds
function applyState(state) {
  el("room-open-state").textContent = state.open ? "Room open" : "Room closed";
  if (state.card) showCard(state.card);
}

function showCard(card) {
  el("card").hidden = false;
  el("card-title").textContent = card.title;
  el("card-body").textContent = card.body;
}

function setPresence(people) {
  const mutedIds = new Set(present.filter((p) => p.muted).map((p) => p.user_id));
  present = people.map((p) => ({ ...p, muted: p.muted ?? mutedIds.has(p.user_id) }));
  const ul = el("presence");
  ul.replaceChildren();
  for (const person of present) {
    const li = document.createElement("li");
    li.append(document.createTextNode(person.name + (person.user_id === myId ? " (you)" : "")));
    if (person.role !== "member") {
      const role = document.createElement("span");
      role.className = "role";
      role.textContent = person.role;
      li.append(" ", role);
    }
    if (isFacilitator && person.role === "member") {
      const actions = document.createElement("span");
      actions.className = "presence-actions";
      actions.append(
        button(person.muted ? "Unmute" : "Mute", `${person.muted ? "Unmute" : "Mute"} ${person.name}`,
          () => control(person.muted ? "unmute" : "mute", { user_id: person.user_id })),
        button("Remove", `Remove ${person.name} from this meeting`, () => {
          if (window.confirm(`Remove ${person.name} from this meeting? They cannot rejoin it.`)) {
            control("remove", { user_id: person.user_id });
          }
        }),
      );
      li.append(" ", actions);
    }
    ul.append(li);
  }
}

function button(text, label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "link-button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

function renderRound(round) {
  const section = el("round");
  if (!round) { section.hidden = true; return; }
  section.hidden = false;
  el("round-question").textContent = round.question;
  const current = round.turns.find((t) => t.user_id === round.current_user_id);
  el("round-turn").textContent = !round.active ? "The round has ended."
    : current ? (current.user_id === myId ? "It is your turn: share, or pass." : `${current.name}'s turn`) : "";
  const ol = el("round-turns");
  ol.replaceChildren();
  for (const turn of round.turns) {
    const li = document.createElement("li");
    li.textContent = `${turn.name}${turn.outcome ? ` — ${turn.outcome}` : ""}`;
    if (round.active && turn.user_id === round.current_user_id) {
      li.className = "turn-current";
      li.setAttribute("aria-current", "step");
    }
    ol.append(li);
  }
  el("round-my-turn").hidden = !(round.active && round.current_user_id === myId);
}

el("round-shared").addEventListener("click", () => control("round_turn", { outcome: "shared" }));
el("round-passed").addEventListener("click", () => control("round_turn", { outcome: "passed" }));

async function control(event, payload) {
  try {
    const answer = await request(event, { session_id: meetingId, ...payload });
    if (!answer.ok) showError(answer.error.message); else showError("");
    return answer;
  } catch {
    showError("No answer from the server; check your connection and try again.");
    return null;
  }
}

function deleteMessage(messageId) {
  const reason = window.prompt("Why delete this message? (kept for the facilitators' record)", "");
  if (reason === null) return;
  control("delete", { message_id: messageId, reason });
}

if (isFacilitator) {
  el("open-room").addEventListener("click", () => control("open_room", {}));
  el("close-room").addEventListener("click", () => control("close_room", {}));
  el("round-skip").addEventListener("click", () => control("round_skip", {}));
  el("round-end").addEventListener("click", () => control("round_end", {}));
  el("card-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await control("push_card", { title: el("card-form-title").value, body: el("card-form-body").value });
    if (answer && answer.ok) event.target.reset();
  });
  el("round-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await control("round_start", { question: el("round-form-question").value });
    if (answer && answer.ok) event.target.reset();
  });
}

// ---- the composer and the outbox
function saveOutbox() {
  const items = Array.from(pending, ([clientId, item]) => ({ client_id: clientId, body: item.body }));
  try { sessionStorage.setItem(outboxKey, JSON.stringify(items)); } catch { /* storage full or blocked */ }
}

function queue(body, clientId = newClientId()) {
  const li = messageElement({ author_name: "You", author_role: "member", body, client_id: clientId }, { isPending: true });
  list.append(li);
  list.scrollTop = list.scrollHeight;
  pending.set(clientId, { body, li });
  saveOutbox();
  return clientId;
}

async function deliver(clientId) {
  const item = pending.get(clientId);
  if (!item || item.inFlight) return;
  item.inFlight = true;
  try {
    const answer = await request("send", { session_id: meetingId, body: item.body, client_id: clientId });
    if (answer.ok) {
      placeMessage(answer.message);
    } else if (answer.error.code === "rate_limited") {
      showError(answer.error.message);
      setTimeout(() => { item.inFlight = false; if (joined) deliver(clientId); }, 5000);
      return;
    } else {
      // Refused for good: give the text back so nothing is lost.
      item.li.remove();
      pending.delete(clientId);
      saveOutbox();
      showError(answer.error.message);
      if (bodyInput && !bodyInput.value) bodyInput.value = item.body;
    }
  } catch {
    // No ack (lost on the way): it stays queued and goes again with the same client_id.
  }
  item.inFlight = false;
}

async function flushOutbox() {
  for (const clientId of Array.from(pending.keys())) {
    if (!joined) return;
    await deliver(clientId);
  }
}

function updateComposer() {
  if (!composer) return;
  composer.querySelector("button[type=submit]").disabled = removed;
  el("composer-help").textContent = muted
    ? "A facilitator has muted you in this room; you can still read along."
    : "Enter sends · Shift+Enter for a new line";
}

function updateCounter() {
  const left = bodyMax - bodyInput.value.length;
  counter.textContent = left <= 200 ? `${left} characters left` : "";
}

if (composer) {
  for (const saved of JSON.parse(sessionStorage.getItem(outboxKey) || "[]")) queue(saved.body, saved.client_id);
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = bodyInput.value.trim();
    if (!body) { showError("Write something before sending."); return; }
    if (body.length > bodyMax) { showError(`Messages can be at most ${bodyMax} characters.`); return; }
    showError("");
    bodyInput.value = "";
    updateCounter();
    sendTyping(false);
    typingSent = 0;
    const clientId = queue(body);
    if (joined) deliver(clientId);
  });
  bodyInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  bodyInput.addEventListener("input", () => {
    updateCounter();
    const now = Date.now();
    if (bodyInput.value && now - typingSent > TYPING_IDLE_MS - 1000) { typingSent = now; sendTyping(true); }
  });
  bodyInput.addEventListener("blur", () => { if (typingSent) { typingSent = 0; sendTyping(false); } });
}
