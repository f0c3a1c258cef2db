// Fast intake at the desk, keyboard only (no inline handlers: strict CSP).
// - Person search: ArrowDown moves into the results, arrows move between them, Enter picks.
//   Enter in the search box picks the first result.
// - Needs: type-ahead on a datalist; Enter adds the need as a chip with its urgency.
(function () {
  "use strict";

  function personOptions(form) {
    return Array.from(form.querySelectorAll("[data-person-option]"));
  }

  function pickPerson(form, option) {
    const hidden = form.querySelector("[data-person-id]");
    const shown = form.querySelector("[data-person-selected]");
    hidden.value = option.value;
    option.checked = true;
    shown.textContent = form.dataset.selectedPrefix + " " + option.dataset.label;
    const results = form.querySelector("[data-person-results]");
    if (results) results.replaceChildren();
    const needInput = form.querySelector("[data-need-input]");
    if (needInput) needInput.focus();
  }

  function findNeed(list, text) {
    const wanted = text.trim().toLowerCase();
    if (!wanted) return null;
    const options = Array.from(list.options);
    return (
      options.find((o) => o.value.toLowerCase() === wanted) ||
      options.find((o) => o.value.toLowerCase().startsWith(wanted)) ||
      options.find((o) => o.value.toLowerCase().includes(wanted)) ||
      null
    );
  }

  function addChip(form, option) {
    const chips = form.querySelector("[data-need-chips]");
    const code = option.dataset.code;
    if (chips.querySelector('input[name="needs"][value="' + code + '"]')) return;
    const template = document.getElementById("need-chip-template");
    const chip = template.content.firstElementChild.cloneNode(true);
    chip.querySelector('input[name="needs"]').value = code;
    chip.querySelector("[data-chip-name]").textContent = option.value;
    chip.querySelector("[data-chip-urgency]").name = "urgency_" + code;
    const remove = chip.querySelector("[data-remove-chip]");
    remove.textContent = remove.dataset.removeLabel + " " + option.value;
    chips.appendChild(chip);
  }

  function wirePerson(form) {
    const query = form.querySelector("[data-person-query]");
    const shown = form.querySelector("[data-person-selected]");
    query.addEventListener("keydown", (event) => {
      const options = personOptions(form).filter((o) => o.closest("[data-person-results]"));
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        options[0].checked = true;
        options[0].focus();
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (options.length) pickPerson(form, options[0]);
      }
    });
    query.addEventListener("input", () => {
      form.querySelector("[data-person-id]").value = "";
      shown.textContent = "";
    });
    form.addEventListener("keydown", (event) => {
      const target = event.target;
      if (event.key === "Enter" && target.matches && target.matches("[data-person-option]")) {
        event.preventDefault();
        pickPerson(form, target);
      }
    });
  }

  function wireNeeds(form) {
    const needInput = form.querySelector("[data-need-input]");
    if (!needInput) return;
    const list = document.getElementById(needInput.getAttribute("list"));
    needInput.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      const option = findNeed(list, needInput.value);
      if (!option && !needInput.value.trim()) return; // empty box: Enter submits the form
      event.preventDefault();
      if (option) {
        addChip(form, option);
        needInput.value = "";
      }
    });
    needInput.addEventListener("change", () => {
      const option = Array.from(list.options).find((o) => o.value === needInput.value);
      if (option) {
        addChip(form, option);
        needInput.value = "";
      }
    });
    form.addEventListener("click", (event) => {
      const button = event.target.closest && event.target.closest("[data-remove-chip]");
      if (!button) return;
      button.closest(".need-chip").remove();
      needInput.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-intake-form]").forEach(wirePerson);
    document.querySelectorAll("[data-intake-form], [data-needs-form]").forEach(wireNeeds);
  });
})();
