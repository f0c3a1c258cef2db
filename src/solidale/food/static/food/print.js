// The print button of the card page (no inline handlers under the strict CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-food-print]")) window.print();
});
