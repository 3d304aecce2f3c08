// Preselect the browser's own time zone on a fresh form, when the list has it.
// Only before the person touches the field, and never over a value sent back with errors.
for (const wrapper of document.querySelectorAll("[data-detect-timezone]")) {
  const select = wrapper.querySelector("select");
  if (!select || wrapper.querySelector(".error")) continue;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && [...select.options].some((option) => option.value === zone)) {
    select.value = zone;
  }
}
