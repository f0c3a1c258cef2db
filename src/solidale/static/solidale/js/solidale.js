// Solidale's only script: behaviours wired by data attributes (no inline handlers, strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Auto-submit selects marked data-autosubmit (language, organization switcher) when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  // Copy-to-clipboard buttons (API token shown once).
  document.querySelectorAll("[data-copy-target]").forEach((button) => {
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.copyTarget);
      if (target) navigator.clipboard.writeText(target.textContent.trim());
    });
  });
});
