// Live page enhancements. The page is complete without this file.

// Open folded panels (key events) where the sidebar has room beside the updates; on
// phones they stay folded so the latest updates come first. Opening a sidebar panel never
// moves the updates column, so the page does not jump.
const wide = window.matchMedia("(min-width: 60rem)");
if (wide.matches) {
  for (const panel of document.querySelectorAll("details[data-open-when-wide]")) {
    panel.open = true;
  }
}
