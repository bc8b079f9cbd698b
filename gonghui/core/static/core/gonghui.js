// Gonghui's only script of its own (CSP allows no inline script): disclosure buttons.
// A button with data-gh-toggle shows or hides the element its aria-controls names.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-gh-toggle]");
  if (!button) return;
  const box = document.getElementById(button.getAttribute("aria-controls"));
  if (!box) return;
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  box.hidden = !open;
});

// A form that does something hard to undo asks first: <form data-confirm="…">.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
