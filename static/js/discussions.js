// Live discussion: new replies appear in an open thread, unread counts follow.
// Events carry ids only; each post is fetched as HTML rendered for this reader, so the
// server's visibility rule decides what is shown.
import { io } from "../vendor/socket.io.esm.min.js";

const root = document.querySelector("[data-discussion-live]");

function announce(text) {
  const status = document.getElementById("live-status");
  if (status) status.textContent = text;
}

async function fetchPost(template, postId) {
  const response = await fetch(template.replace("/0/", `/${postId}/`), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return null; // not (or no longer) visible to this reader
  return response.json();
}

function htmlToElement(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

async function showNewPost(event, state) {
  if (event.thread_id !== state.threadId) return;
  if (document.getElementById(`post-${event.post_id}`)) return;
  const post = await fetchPost(state.fragmentUrl, event.post_id);
  if (!post || document.getElementById(`post-${event.post_id}`)) return;
  if (post.container === "replies" && state.page < state.pages) {
    document.getElementById("new-replies")?.removeAttribute("hidden");
    announce(`New reply from ${post.author} on the last page.`);
    return;
  }
  const container = document.getElementById(post.container);
  if (!container) return; // its conversation is on another page
  const item = htmlToElement(post.html);
  item.querySelector(".post")?.classList.add("is-new", "is-live");
  container.append(item);
  announce(`New reply from ${post.author}.`);
}

async function refreshPost(event, state) {
  if (event.thread_id !== state.threadId) return;
  const current = document.getElementById(`post-${event.post_id}`);
  if (!current) return;
  const post = await fetchPost(state.fragmentUrl, event.post_id);
  if (!post) return;
  const fresh = htmlToElement(post.html).querySelector(".post");
  if (fresh) current.replaceWith(fresh);
}

function showUnread(event, state) {
  if (event.cohort_id !== state.cohortId) return;
  for (const total of document.querySelectorAll("[data-unread-total]")) {
    total.textContent = String(event.total);
  }
  for (const cell of document.querySelectorAll("[data-unread-for]")) {
    const count = event.threads[cell.dataset.unreadFor] || 0;
    const link = cell.querySelector("a");
    if (count && link) {
      link.textContent = `${count} unread`;
    } else if (count) {
      const anchor = document.createElement("a");
      anchor.href = cell.dataset.unreadUrl;
      anchor.textContent = `${count} unread`;
      cell.replaceChildren(anchor);
    } else {
      cell.replaceChildren();
    }
  }
}

if (root) {
  const state = {
    cohortId: Number(root.dataset.cohortId),
    threadId: Number(root.dataset.threadId) || null,
    fragmentUrl: root.dataset.fragmentUrl || "",
    page: Number(root.dataset.page) || 1,
    pages: Number(root.dataset.pages) || 1,
  };
  const socket = io("/discussions", { transports: ["websocket", "polling"] });
  socket.on("connect", () => {
    if (state.threadId) {
      socket.emit("join_thread", { thread_id: state.threadId }, (ack) => {
        if (ack && ack.ok) root.dataset.live = "on";
      });
    } else {
      root.dataset.live = "on";
    }
  });
  socket.on("disconnect", () => { root.dataset.live = "off"; });
  socket.on("post_created", (event) => { if (state.threadId) showNewPost(event, state); });
  socket.on("post_changed", (event) => { if (state.threadId) refreshPost(event, state); });
  socket.on("unread", (event) => showUnread(event, state));
}
