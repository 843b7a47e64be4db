// Controls hidden under something else (run as a WebDriver script, the page scrolled to the
// top): every visible link, button and field in view is probed at its middle and near its
// left and right ends; what the browser finds there must be the control or inside it (a
// fixed quick-exit button over the language switch fails this). Returns a list of problems.
"use strict";
window.scrollTo(0, 0);
function describe(el) {
  let d = el.tagName.toLowerCase();
  if (el.id) { d += "#" + el.id; }
  const classes = (el.getAttribute("class") || "").trim();
  if (classes) { d += "." + classes.split(/\s+/).join("."); }
  const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
  if (text) { d += " \"" + text + "\""; }
  return d;
}
const problems = [];
const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary, label";
for (const el of document.querySelectorAll(controls)) {
  const style = getComputedStyle(el);
  if (style.visibility === "hidden" || style.display === "none") { continue; }
  const box = el.getBoundingClientRect();
  if (box.width <= 4 || box.height <= 4) { continue; }
  if (box.top < 0 || box.bottom > window.innerHeight) { continue; } // not in view at the top
  const y = box.top + box.height / 2;
  const points = [[box.left + 2, y], [box.left + box.width / 2, y], [box.right - 2, y]];
  for (const [x, py] of points) {
    if (x < 0 || x >= window.innerWidth) { continue; }
    const hit = document.elementFromPoint(x, py);
    if (hit && hit !== el && !el.contains(hit) && !hit.contains(el) &&
        !(el.tagName === "LABEL" && el.control === hit)) {
      problems.push(describe(el) + " is covered by " + describe(hit) +
        " at (" + Math.round(x) + ", " + Math.round(py) + ")");
      break;
    }
  }
}
return problems;
