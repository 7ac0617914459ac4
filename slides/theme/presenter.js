// The course's presenter view and handout printing, for the mdBook slides.
//
// - Press `n` to show or hide this page's speaker notes (they open in place).
// - Press `p` to open a presenter window: it shows the notes of whatever page the main
//   window shows, and follows it as you move through the slides (both windows talk
//   through the browser's localStorage, so it works offline, from file:// too).
// - Printing (print.html, or Ctrl-P) unfolds every speaker note and solution first, so a
//   printed handout carries them.
(function () {
  "use strict";

  const KEY = "course-slides-current-page";
  const presenting = new URLSearchParams(window.location.search).has("presenter");

  function notes() {
    return Array.from(document.querySelectorAll("main details"));
  }

  function unfoldAll() {
    notes().forEach((details) => { details.open = true; });
  }

  // The presenter window: only the notes, large, and open.
  if (presenting) {
    document.documentElement.classList.add("course-presenter");
    document.addEventListener("DOMContentLoaded", unfoldAll);
    window.addEventListener("storage", (event) => {
      if (event.key === KEY && event.newValue) {
        const target = new URL(event.newValue, window.location.href);
        target.searchParams.set("presenter", "");
        if (target.pathname !== window.location.pathname) {
          window.location.replace(target.href);
        }
      }
    });
  } else {
    // The main window says where it is, for a presenter window to follow.
    try {
      window.localStorage.setItem(KEY, window.location.pathname);
    } catch (e) {
      // Storage refused (a private window): the presenter window cannot follow.
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const typing = event.target.closest && event.target.closest("input, textarea");
    if (typing) return;
    if (event.key === "n") {
      const all = notes();
      const open = all.some((details) => !details.open);
      all.forEach((details) => { details.open = open; });
    } else if (event.key === "p" && !presenting) {
      const url = new URL(window.location.href);
      url.searchParams.set("presenter", "");
      window.open(url.href, "course-presenter", "width=900,height=700");
    }
  });

  // A handout unfolds what the screen keeps folded.
  window.addEventListener("beforeprint", unfoldAll);
  if (window.location.pathname.endsWith("/print.html")) {
    document.addEventListener("DOMContentLoaded", unfoldAll);
  }
})();
