// Countdown to each meeting on the page, from data-* attributes set by the server.
// When the room's opening time passes, the page reloads once so the Join button
// (decided by the server) becomes live.

const MINUTE = 60 * 1000;
const loadedAt = Date.now();

function describe(milliseconds) {
  const minutes = Math.max(0, Math.round(milliseconds / MINUTE));
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const rest = minutes % 60;
  const parts = [];
  if (days) parts.push(`${days} ${days === 1 ? "day" : "days"}`);
  if (hours) parts.push(`${hours} h`);
  if (!days && rest) parts.push(`${rest} min`);
  return parts.length ? parts.join(" ") : "less than a minute";
}

function update(element) {
  const now = Date.now();
  const startsAt = Date.parse(element.dataset.startsAt);
  const opensAt = Date.parse(element.dataset.opensAt);
  const text = element.querySelector("[data-countdown-text]");
  if (text) {
    text.textContent = startsAt > now ? `Starts in ${describe(startsAt - now)}.` : "";
  }
  // Only an opening that happens while the page is open: a room closed by hand stays put.
  if (element.dataset.roomOpen === "false" && opensAt > loadedAt && opensAt <= now) {
    const status = element.querySelector("[data-countdown-status]");
    if (status) status.textContent = "The room is opening.";
    element.dataset.roomOpen = "reloading";
    window.location.reload();
  }
}

const elements = [...document.querySelectorAll("[data-countdown]")];
if (elements.length) {
  const tick = () => elements.forEach(update);
  tick();
  window.setInterval(tick, 30 * 1000);
}
