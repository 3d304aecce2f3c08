// The prompt form: show only the release details that belong to the chosen kind.
// Without JavaScript every detail stays visible and the server ignores the unused ones.
const form = document.querySelector("[data-prompt-form]");

function update() {
  const chosen = form.querySelector("input[data-release-kind]:checked");
  const kind = chosen ? chosen.value : "now";
  for (const detail of form.querySelectorAll("[data-release-for]")) {
    detail.hidden = !detail.dataset.releaseFor.split(" ").includes(kind);
  }
}

if (form) {
  for (const radio of form.querySelectorAll("input[data-release-kind]")) {
    radio.addEventListener("change", update);
  }
  update();
}
