// DeepPrep: theme toggle, keyboard shortcuts for practice, time-zone guess at sign-up.
(function () {
  "use strict";

  function currentTheme() {
    var set = document.documentElement.dataset.theme;
    if (set) return set;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function syncToggle() {
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    var dark = currentTheme() === "dark";
    button.setAttribute("aria-pressed", dark ? "true" : "false");
    button.textContent = dark ? "☀ Light" : "☾ Dark";
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-theme-toggle]");
    if (!toggle) return;
    var next = currentTheme() === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    try { localStorage.setItem("theme", next); } catch (e) { /* ignore */ }
    syncToggle();
  });

  function typing(target) {
    return target.closest("input[type=text], input[type=email], input[type=password], textarea, select, [contenteditable]");
  }

  // 1-4 pick an option, Enter submits, N goes to the next question.
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var practice = document.getElementById("practice");
    if (!practice) return;
    var form = practice.querySelector("form[data-answer-form]");
    if (form && /^[1-4]$/.test(event.key)) {
      var radios = form.querySelectorAll("input[type=radio][name=choice]");
      var radio = radios[Number(event.key) - 1];
      if (radio) { radio.checked = true; radio.focus(); event.preventDefault(); }
    } else if (form && event.key === "Enter" && !event.target.closest("button, a")) {
      if (form.querySelector("input[name=choice]:checked")) { form.requestSubmit(); event.preventDefault(); }
    } else if (!form && (event.key === "n" || event.key === "N")) {
      var next = practice.querySelector("[data-next]");
      if (next) { next.click(); event.preventDefault(); }
    }
  });

  // After htmx swaps the practice region, move focus to its heading for screen readers
  // and keyboard users, and keep the theme button label right.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = document.getElementById("practice");
    if (target) {
      var focus = target.querySelector("[data-focus]");
      if (focus) focus.focus({ preventScroll: false });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    syncToggle();
    var tz = document.querySelector("input[name=timezone][type=hidden]");
    if (tz && !tz.value && window.Intl) {
      try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* ignore */ }
    }
  });
})();
