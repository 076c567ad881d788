// Light, dark, or the system's: loaded in <head> without defer, so the chosen theme is set
// before the first paint (no flash of the other one). Without JavaScript the system's applies.
(function () {
  "use strict";
  var KEY = "research-blog-theme";
  var NEXT = { system: "light", light: "dark", dark: "system" };
  var root = document.documentElement;

  function stored() {
    try {
      var value = localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : "system";
    } catch (error) {
      return "system"; // storage refused (privacy mode): the system's choice
    }
  }

  function apply(choice) {
    if (choice === "system") root.removeAttribute("data-theme");
    else root.setAttribute("data-theme", choice);
  }

  var SHOWN = { system: ["\u25D0", "Auto"], light: ["\u263C", "Light"], dark: ["\u263E", "Dark"] };

  function label(button, choice) {
    // Short on screen (the header is narrow): a glyph for the eye, a word for everyone. The
    // accessible name holds the visible word, as speech-input users say what they see.
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = SHOWN[choice][0] + " ";
    button.replaceChildren(icon, document.createTextNode(SHOWN[choice][1]));
    button.setAttribute("aria-label", "Theme: " + SHOWN[choice][1]);
    button.title = "Theme: " + (choice === "system" ? "as the system's" : choice) + " (click to change)";
  }

  apply(stored());

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    label(button, stored());
    button.hidden = false;
    button.addEventListener("click", function () {
      var choice = NEXT[stored()];
      try {
        if (choice === "system") localStorage.removeItem(KEY); else localStorage.setItem(KEY, choice);
      } catch (error) { /* not remembered, still applied */ }
      apply(choice);
      label(button, choice);
    });
  });
  // Another tab changed it: follow.
  window.addEventListener("storage", function (event) {
    if (event.key !== KEY) return;
    apply(stored());
    var button = document.querySelector(".theme-toggle");
    if (button) label(button, stored());
  });
})();
