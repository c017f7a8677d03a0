/* Loaded in <head> before the stylesheet: set the theme before the first paint (no flash).
   A stored choice wins; otherwise follow the system. Also marks the page as scripted. */
(function () {
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem("taskapp-theme"); } catch (e) { /* storage blocked */ }
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  root.setAttribute("data-theme", stored === "dark" || stored === "light" ? stored : (dark ? "dark" : "light"));
  root.classList.add("js");
})();
