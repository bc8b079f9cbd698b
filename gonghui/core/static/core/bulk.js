// Collects the ticked rows (input.gh-bulk) into the form's hidden "cases" field on submit.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const field = form.querySelector("input[name=cases]");
  if (!field) return;
  field.value = [...form.querySelectorAll("input.gh-bulk:checked")].map((b) => b.value).join(",");
});
