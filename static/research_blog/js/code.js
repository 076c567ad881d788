/* A copy button on each highlighted code block. It copies what a reader would
   type: no line numbers, no ">>>" or "$" prompts, no interpreter output. */
(function () {
  "use strict";
  var OUTPUT = "\u0000";  // marks a line of interpreter output, dropped whole

  function codeText(code) {
    var copy = code.cloneNode(true);
    copy.querySelectorAll(".linenos, .lineno, .gp").forEach(function (node) { node.remove(); });
    copy.querySelectorAll(".go").forEach(function (node) { node.textContent = OUTPUT; });
    var lines = copy.textContent.split("\n").filter(function (line) { return line.indexOf(OUTPUT) === -1; });
    return lines.join("\n").replace(/\n+$/, "") + "\n";
  }

  function say(button, text) {
    button.textContent = text;
    window.setTimeout(function () { button.textContent = "Copy"; }, 1600);
  }

  document.querySelectorAll(".post-body .highlight").forEach(function (block) {
    var code = block.querySelector("pre code") || block.querySelector("pre");
    if (!code) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy this code");
    button.addEventListener("click", function () {
      if (!navigator.clipboard) { say(button, "Select and copy"); return; }
      navigator.clipboard.writeText(codeText(code)).then(
        function () { say(button, "Copied"); },
        function () { say(button, "Not copied"); });
    });
    block.classList.add("has-copy");
    block.insertBefore(button, block.firstChild);
  });
})();
