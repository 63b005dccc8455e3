// Applies the saved theme before first paint (loaded in <head>, no inline script).
(function () {
  try {
    var saved = localStorage.getItem("theme");
    if (saved === "dark" || saved === "light") document.documentElement.dataset.theme = saved;
  } catch (e) { /* storage may be blocked; the OS preference still applies */ }
})();
