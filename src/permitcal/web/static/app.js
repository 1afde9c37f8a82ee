// The page's only script (the CSP allows our own files only): copy buttons, date limits.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const input = document.getElementById(button.dataset.copy);
  input.select();
  const done = () => { button.textContent = button.dataset.done; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, () => { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});

// The date field's limits follow the kind of date chosen, as the server's do.
document.addEventListener("change", (event) => {
  if (event.target.name !== "date_kind") return;
  const date = event.target.form.elements.date;
  date.min = date.dataset[event.target.value + "Min"];
  date.max = date.dataset[event.target.value + "Max"];
});
