// The page's only script (the CSP allows our own files only). Everything here is an
// enhancement: without it the copy fields, the phone picker (links) and the forms
// (checked by the server with the same words) still work.

// Copy buttons. The page draws them hidden, since without this script they would do
// nothing (the field itself can still be selected and copied by hand).
for (const button of document.querySelectorAll("button.copy[hidden]")) button.hidden = false;
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

// The phone picker switches the steps in place (the links reload the page without script).
function choosePhone(key) {
  for (const chip of document.querySelectorAll(".picker a[data-phone]")) {
    if (chip.dataset.phone === key) chip.setAttribute("aria-current", "true");
    else chip.removeAttribute("aria-current");
  }
  for (const block of document.querySelectorAll(".phone[data-platform]")) {
    block.hidden = block.dataset.platform !== key;
  }
  const ask = document.getElementById("picker-ask");
  if (ask) ask.hidden = true;
}

document.addEventListener("click", (event) => {
  const chip = event.target.closest(".picker a[data-phone]");
  if (!chip) return;
  event.preventDefault();
  choosePhone(chip.dataset.phone);
  const url = new URL(chip.href);
  history.replaceState(null, "", url.pathname + url.search + url.hash);
});

// iPadOS Safari says "Macintosh" like a Mac; only its touch screen tells it apart,
// and only a script can see that. The person's own choice (?phone=) stays.
{
  const picker = document.querySelector(".picker");
  if (picker && !picker.dataset.chosenBy && /Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1) {
    choosePhone("iphone");
  }
}

// The date field's limits follow the kind of date chosen, as the server's do.
document.addEventListener("change", (event) => {
  if (event.target.name !== "date_kind") return;
  const date = event.target.form.elements.date;
  date.min = date.dataset[event.target.value + "Min"];
  date.max = date.dataset[event.target.value + "Max"];
});

// The browser checks the form's limits with the server's words: #form-messages holds
// the very sentences the server would answer with (permitcal.web.words.messages), built
// from the constants it validates with; only what was typed is filled in here.
const checks = (() => {
  const data = document.getElementById("form-messages");
  return data ? JSON.parse(data.textContent) : { messages: {} };
})();

function say(key, values) {
  const text = checks.messages[key] || "";
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
}

// A YYYY-MM-DD date the way the server writes it ("2023年2月30日", "30 February 2023").
function spell(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const months = (checks.messages["format.months"] || "").split(",");
  if (!match) return iso;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return "“" + iso + "”";
  return say("format.date", { year: String(year), month: months[month - 1] || String(month), day: String(day) });
}

function problem(input) {
  const v = input.validity;
  const value = input.value.trim();
  const kind = input.form && input.form.elements.date_kind ? input.form.elements.date_kind.value : "issued";
  if (input.id === "renewed-date") {
    if (v.valueMissing) return say("card_received.required", {});
    if (v.badInput) return say("card_received.not_a_date", { text: value });
    if (v.rangeOverflow) return say("card_received.later_than_today", { date: spell(value), today: spell(input.max) });
    return "";
  }
  switch (input.name) {
    case "date":
      if (v.valueMissing) return say(kind + ".required", {});
      if (v.badInput) return say(kind + ".not_a_date", { text: value });
      // An expiry stops where a real card's would (today + 1 year + 30 days).
      if (v.rangeOverflow && kind === "expires" && input.dataset.today) {
        return say("expires.expires_too_far_ahead", { date: spell(value), today: spell(input.dataset.today) });
      }
      if (v.rangeUnderflow || v.rangeOverflow) return say(kind + ".date_out_of_range", { date: spell(value) });
      return "";
    case "card_received":
      if (v.badInput) return say("card_received.not_a_date", { text: value });
      if (v.rangeOverflow) return say("card_received.later_than_today", { date: spell(value), today: spell(input.max) });
      return "";
    case "cycles":
      if (v.badInput || v.stepMismatch) return say("cycles.not_whole_number", { text: value });
      if (v.rangeUnderflow || v.rangeOverflow) return say("cycles.out_of_range", { value });
      return "";
    case "alarms": {
      const days = value.split(/[,，]/).map((part) => part.trim()).filter((part) => part !== "");
      const wrong = days.find((day) => !/^\d{1,4}(\.0+)?$/.test(day));
      if (wrong !== undefined) return say("alarms.not_whole_number", { text: wrong });
      if (days.length > checks.max_alarms) return say("alarms.too_many", { count: String(days.length) });
      const far = days.find((day) => parseInt(day, 10) > checks.max_alarm_days);
      if (far !== undefined) return say("alarms.out_of_range", { value: String(parseInt(far, 10)) });
      return "";
    }
    case "confirm":
      return v.valueMissing ? say("confirm.not_confirmed", {}) : "";
    case "label":
    case "first_label":
      return v.valueMissing ? say(input.name + ".label_required", {}) : "";
    default:
      return "";
  }
}

function check(input) {
  if (!input.name || !input.setCustomValidity) return;
  input.setCustomValidity("");
  const text = problem(input);
  if (text) input.setCustomValidity(text);
}

// Checked from the start and as the person types, so that the browser's own check at
// submit already has our words; a collapsed options panel opens when one of its fields
// is wrong (a hidden field's message is never seen).
for (const form of document.forms) for (const input of form.elements) check(input);
document.addEventListener("input", (event) => check(event.target));
document.addEventListener("change", (event) => {
  if (event.target.name === "date_kind") check(event.target.form.elements.date);
  check(event.target);
});
document.addEventListener("invalid", (event) => {
  const details = event.target.closest("details");
  if (details) details.open = true;
}, true);
