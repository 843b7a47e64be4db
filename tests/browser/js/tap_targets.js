// Tap targets smaller than a finger (run as a WebDriver script): every visible link, button,
// summary, field and choice row of the page less than 44 CSS px tall (or, for a link or
// button, narrower than 44 px). A radio button or checkbox counts by the row that holds it
// (its label: tapping anywhere on it chooses). A link inside a sentence is exempt (WCAG
// 2.5.8: its size is set by the line of text around it). Returns a list of descriptions.
"use strict";
const MIN = 44;
const problems = [];
function describe(el) {
  let d = el.tagName.toLowerCase();
  if (el.id) { d += "#" + el.id; }
  const name = el.getAttribute("name");
  if (name) { d += "[name=" + name + "]"; }
  const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
  if (text) { d += " \"" + text + "\""; }
  return d;
}
function inSentence(link) {
  const parent = link.parentElement;
  if (!parent || !["P", "SPAN", "LI", "DD", "TD"].includes(parent.tagName)) { return false; }
  const own = (link.textContent || "").trim().length;
  const all = (parent.textContent || "").trim().length;
  return parent.tagName === "P" && all > own + 20;
}
const seen = new Set();
for (const el of document.querySelectorAll("a[href], button, summary, select, textarea, input")) {
  if (el.type === "hidden") { continue; }
  let target = el;
  if (el.type === "radio" || el.type === "checkbox") {
    target = el.closest("label") || el;
  }
  if (seen.has(target)) { continue; }
  seen.add(target);
  if (el.tagName === "A" && inSentence(el)) { continue; }
  const box = target.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) { continue; }
  if (target.closest("details:not([open]) > :not(summary)")) { continue; }
  const narrow = (el.tagName === "A" || el.tagName === "BUTTON") && box.width < MIN - 0.5;
  if (box.height < MIN - 0.5 || narrow) {
    problems.push(describe(target) + " is " + Math.round(box.width) + "×" + Math.round(box.height) + " px");
  }
}
return problems;
