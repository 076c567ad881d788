// Progressive enhancement for "Cite this post": a Copy button beside each
// [data-copyable] block. Without JavaScript (or without the Clipboard API)
// the text is still there to select; nothing else on the page needs scripts.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copyable]").forEach(function (block) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", block.tagName === "PRE" ? "Copy the BibTeX entry" : "Copy the citation");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(block.textContent.trim()).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      }, function () {
        button.textContent = "Select and copy";
      });
    });
    var wrapper = document.createElement("div");
    wrapper.className = "copyable";
    block.parentNode.insertBefore(wrapper, block);
    wrapper.appendChild(block);
    wrapper.appendChild(button);
  });
})();
