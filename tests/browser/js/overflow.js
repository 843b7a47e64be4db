// Horizontal overflow (run as a WebDriver script): null when the page is no wider than the
// viewport, else what overflows: the element reaching furthest right (the deepest of equals)
// that is not inside a scrolling box of its own (a .table-wrap scrolls, and may).
"use strict";
const limit = window.innerWidth;
const width = document.documentElement.scrollWidth;
if (width <= limit) { return null; }
function scrollsInside(el) {
  for (let e = el.parentElement; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
    const x = getComputedStyle(e).overflowX;
    if (x !== "visible") { return true; }
  }
  return false;
}
function describe(el) {
  let d = el.tagName.toLowerCase();
  if (el.id) { d += "#" + el.id; }
  const classes = (el.getAttribute("class") || "").trim();
  if (classes) { d += "." + classes.split(/\s+/).join("."); }
  const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);
  if (text) { d += " \"" + text + "\""; }
  return d;
}
let worst = null;
let worstRight = limit;
for (const el of document.body.querySelectorAll("*")) {
  const box = el.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) { continue; }
  const right = box.right + window.scrollX;
  if (right >= worstRight && right > limit + 0.5 && !scrollsInside(el)) {
    worst = el;
    worstRight = right;
  }
}
return {
  pageWidth: width,
  viewport: limit,
  element: worst ? describe(worst) : "(none found: a pseudo-element or the body itself)",
  elementWidth: worst ? Math.round(worst.getBoundingClientRect().width) : 0,
  right: Math.round(worstRight),
};
