// Preselect the browser's own time zone on a fresh form, when the list has it.
// The server marks only fresh forms, so a value sent back with errors is never replaced.
for (const wrapper of document.querySelectorAll("[data-detect-timezone]")) {
  const select = wrapper.querySelector("select");
  if (!select) continue;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && [...select.options].some((option) => option.value === zone)) {
    select.value = zone;
  }
}
