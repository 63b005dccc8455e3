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

  // 1-4 or A-D choose an option (the letters shown beside them).
  function optionNumber(key) {
    if (/^[1-4]$/.test(key)) return Number(key);
    var letter = "abcd".indexOf(key.toLowerCase());
    return key.length === 1 && letter >= 0 ? letter + 1 : 0;
  }

  function pick(form, key) {
    var radio = form.querySelectorAll("input[type=radio][name=choice]")[optionNumber(key) - 1];
    if (radio) { radio.checked = true; radio.focus(); return true; }
    return false;
  }

  // Tutor: 1-4 or A-D pick, S/G sure or guess, Enter checks, I "I don't know", N next.
  // Timed: 1-4 or A-D pick, M marks for review, Enter saves and goes next.
  // The hints under each form (question.html, timed.html) list the same keys.
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var practice = document.getElementById("practice");
    if (!practice) return;
    var key = event.key;
    var timed = practice.querySelector("#timed-form");
    if (timed) {
      if (optionNumber(key) && pick(timed, key)) event.preventDefault();
      else if (key === "m" || key === "M") {
        var mark = timed.querySelector("input[name=marked]");
        if (mark) { mark.checked = !mark.checked; event.preventDefault(); }
      } else if (key === "Enter" && !event.target.closest("button, a")) {
        var next = timed.querySelector("button[value=next]");
        if (next) { timed.requestSubmit(next); event.preventDefault(); }
      }
      return;
    }
    var form = practice.querySelector("form[data-answer-form]");
    if (form && optionNumber(key)) {
      if (pick(form, key)) event.preventDefault();
    } else if (form && (key === "s" || key === "g" || key === "S" || key === "G")) {
      var level = form.querySelector("input[name=confidence][value=" + (key.toLowerCase() === "s" ? "sure" : "guess") + "]");
      if (level) { level.checked = true; event.preventDefault(); }
    } else if (form && (key === "i" || key === "I")) {
      var unsure = form.querySelector("button[name=dont_know]");
      if (unsure) { unsure.click(); event.preventDefault(); }
    } else if (form && key === "Enter" && !event.target.closest("button, a, textarea")) {
      if (form.querySelector("input[name=choice]:checked")) { form.requestSubmit(); event.preventDefault(); }
    } else if (!form && (key === "n" || key === "N")) {
      var link = practice.querySelector("[data-next]");
      if (link) { link.click(); event.preventDefault(); }
    }
  });

  // Buttons that need a second thought (submit a timed test early).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // Timed tests: the deadline is the server's; this only shows it and, at zero,
  // submits the form (answers were already saved on change; the server ends the
  // test and keeps what reached it before the deadline).
  function finish(box) {
    var form = box.querySelector("#timed-form");
    if (!form) { window.location.assign(box.dataset.expiredUrl); return; }
    var go = document.createElement("input");
    go.type = "hidden"; go.name = "go"; go.value = "finish";
    form.appendChild(go);
    form.submit();
  }

  function startCountdown() {
    var box = document.querySelector("[data-deadline]");
    if (!box) return;
    var out = box.querySelector("[data-countdown]");
    var deadline = Date.parse(box.dataset.deadline);
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (left <= 60) box.querySelector(".timer").classList.add("low");
      if (left === 0) { finish(box); return; }
      window.setTimeout(tick, 1000 - (Date.now() % 1000));
    }
    tick();
  }

  // A formula too long for the screen scrolls inside its text block (content.css),
  // and a figure on a phone inside its panel (app.css): make each block that does
  // reachable by keyboard, so it can be scrolled too.
  function scrollersFocusable(root) {
    (root || document).querySelectorAll(".prose, .q-figure-scroll").forEach(function (block) {
      if (block.scrollWidth > block.clientWidth + 1 && !block.hasAttribute("tabindex")) {
        block.setAttribute("tabindex", "0");
      }
    });
  }
  document.addEventListener("toggle", function (event) { scrollersFocusable(event.target); }, true);
  // A figure takes its width once its image has loaded (lazily).
  document.addEventListener("load", function (event) {
    var panel = event.target.closest && event.target.closest(".q-figure-scroll");
    if (panel) scrollersFocusable(panel.parentElement);
  }, true);
  // Phones fire resize as the address bar slides: look once per frame at most.
  var resizeQueued = false;
  window.addEventListener("resize", function () {
    if (resizeQueued) return;
    resizeQueued = true;
    requestAnimationFrame(function () { resizeQueued = false; scrollersFocusable(); });
  });

  // After htmx swaps the whole practice region (an answer's feedback, the next
  // question), move focus to its heading for screen readers and keyboard users.
  // Smaller swaps (flag, note, report) keep the reader's place: htmx keeps focus on
  // a control with the same id, #announce says what changed, and nothing scrolls.
  document.addEventListener("htmx:afterSwap", function (event) {
    scrollersFocusable();
    var target = event.detail && event.detail.target;
    if (target && target.id === "practice") {
      var practice = document.getElementById("practice");
      var heading = practice && practice.querySelector("[data-focus]");
      if (heading) heading.focus({ preventScroll: false });
      return;
    }
    var swapped = target && target.id && document.getElementById(target.id);
    var landing = swapped && swapped.querySelector("[data-focus-swapped]");
    if (landing) landing.focus({ preventScroll: true });
  });

  document.addEventListener("DOMContentLoaded", function () {
    syncToggle();
    scrollersFocusable();
    // Folded dashboard sections are for phones: open them on a wide screen.
    if (window.matchMedia("(min-width: 861px)").matches) {
      document.querySelectorAll("details.fold").forEach(function (d) { d.open = true; });
    }
    startCountdown();
    var tz = document.querySelector("input[name=timezone][type=hidden]");
    if (tz && !tz.value && window.Intl) {
      try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* ignore */ }
    }
  });
})();
