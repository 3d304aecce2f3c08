// The bell: keeps the unread count in the header live through the /notifications
// Socket.IO namespace (the server puts each connection in its person's own room).
import { io } from "../vendor/socket.io.esm.min.js";

const bell = document.querySelector("[data-bell]");
const count = document.querySelector("[data-bell-count]");
const number = document.querySelector("[data-bell-number]");
const announce = document.querySelector("[data-bell-announce]");

function show(unread) {
  if (!count || !number || typeof unread !== "number") return;
  number.textContent = String(unread);
  count.hidden = unread === 0;
  if (bell) bell.dataset.unread = String(unread);
}

if (bell) {
  const socket = io("/notifications", { transports: ["websocket", "polling"] });
  // After every (re)connect ask for the count: events sent while away are not replayed.
  socket.on("connect", () => socket.emit("sync", {}, (reply) => show(reply && reply.unread)));
  socket.on("notification", (event) => {
    show(event.unread);
    if (announce && event.summary) announce.textContent = `New notification: ${event.summary}`;
  });
  socket.on("notification.count", (event) => show(event.unread));
  // A refused connection (signed out in another tab) is not an error worth a console line.
  socket.on("connect_error", () => socket.disconnect());
}
