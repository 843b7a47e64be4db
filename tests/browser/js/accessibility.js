// The accessibility pass of the page as shown (run as a WebDriver script: the body of a
// function). Returns a list of problems, empty when there is none:
// - <html lang> is "vi" or "en", and the page has a title;
// - every visible input, select and textarea has a label (<label for>, a wrapping label,
//   aria-label or aria-labelledby) with words in it;
// - every visible button and link has an accessible name;
// - one h1, and heading levels never skip one going down; ids are unique;
// - text contrast (WCAG 2): the colour of every element with text of its own against the
//   first opaque background up the tree is >= 4.5:1, or >= 3:1 for large text
//   (>= 24px, or >= 18.66px bold); SVG text by its fill. Disabled controls are exempt
//   (WCAG 1.4.3); text over a background image or gradient is not measured.
"use strict";
const problems = [];

function describe(el) {
  let d = el.tagName.toLowerCase();
  if (el.id) { d += "#" + el.id; }
  const classes = (el.getAttribute("class") || "").trim();
  if (classes) { d += "." + classes.split(/\s+/).join("."); }
  if (el.getAttribute("name")) { d += "[name=" + el.getAttribute("name") + "]"; }
  const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
  if (text) { d += " \"" + text + "\""; }
  return d;
}

function visible(el) {
  if (!el.getClientRects().length) { return false; }
  const style = getComputedStyle(el);
  return style.visibility !== "hidden" && style.display !== "none";
}

function textOfIds(ids) {
  return (ids || "").split(/\s+/).filter(Boolean)
    .map(function (id) { const e = document.getElementById(id); return e ? e.textContent.trim() : ""; })
    .join(" ").trim();
}

function ownName(el) {
  return (el.getAttribute("aria-label") || "").trim() || textOfIds(el.getAttribute("aria-labelledby"));
}

// Language and title.
const lang = document.documentElement.getAttribute("lang");
if (lang !== "vi" && lang !== "en") {
  problems.push("<html lang> is " + JSON.stringify(lang) + ", not \"vi\" or \"en\"");
}
if (!document.title.trim()) { problems.push("the page has no <title>"); }

// Labels.
const unlabelledTypes = ["hidden", "submit", "button", "reset", "image"];
for (const el of document.querySelectorAll("input, select, textarea")) {
  const type = (el.getAttribute("type") || "text").toLowerCase();
  if (el.tagName === "INPUT" && unlabelledTypes.indexOf(type) >= 0) { continue; }
  if (!visible(el)) { continue; }
  const labelled = Array.from(el.labels || []).some(function (l) { return l.textContent.trim() !== ""; });
  if (!labelled && !ownName(el)) { problems.push("a field without a label: " + describe(el)); }
}

// Names of buttons and links.
const actions = "button, a[href], input[type=submit], input[type=button], input[type=reset], " +
  "input[type=image], [role=button], [role=link]";
for (const el of document.querySelectorAll(actions)) {
  if (!visible(el)) { continue; }
  let name = ownName(el) || (el.textContent || "").trim() || (el.getAttribute("title") || "").trim();
  if (!name) {
    name = Array.from(el.querySelectorAll("img[alt], svg title"))
      .map(function (x) { return x.getAttribute("alt") || x.textContent; }).join(" ").trim();
  }
  if (!name && el.tagName === "INPUT") { name = (el.value || el.getAttribute("alt") || "").trim(); }
  if (!name) { problems.push("a button or link without a name: " + describe(el)); }
}

// Headings and ids.
const headings = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).filter(visible);
const h1s = headings.filter(function (h) { return h.tagName === "H1"; }).length;
if (h1s !== 1) { problems.push("the page has " + h1s + " visible h1 (one expected)"); }
let previous = 0;
for (const h of headings) {
  const level = parseInt(h.tagName.slice(1), 10);
  if (previous > 0 && level > previous + 1) {
    problems.push("heading level skipped (h" + previous + " then h" + level + "): " + describe(h));
  }
  previous = level;
}
const seen = {};
for (const el of document.querySelectorAll("[id]")) {
  if (seen[el.id]) { problems.push("duplicate id \"" + el.id + "\""); }
  seen[el.id] = true;
}

// Contrast.
const canvas = document.createElement("canvas");
canvas.width = 1; canvas.height = 1;
const paint = canvas.getContext("2d", { willReadFrequently: true });
function rgba(css) {
  const m = /^rgba?\(([^)]*)\)$/.exec(css.trim());
  if (m) {
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  // Any other colour syntax: let the browser convert it to sRGB.
  paint.clearRect(0, 0, 1, 1);
  paint.fillStyle = "#000";
  paint.fillStyle = css;
  paint.fillRect(0, 0, 1, 1);
  const d = paint.getImageData(0, 0, 1, 1).data;
  return { r: d[0], g: d[1], b: d[2], a: d[3] / 255 };
}
function over(top, below) {
  const a = top.a + below.a * (1 - top.a);
  if (a === 0) { return { r: 0, g: 0, b: 0, a: 0 }; }
  const mix = function (t, b) { return (t * top.a + b * below.a * (1 - top.a)) / a; };
  return { r: mix(top.r, below.r), g: mix(top.g, below.g), b: mix(top.b, below.b), a: a };
}
function luminance(c) {
  const channel = function (v) { v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}
function show(c) { return "rgb(" + Math.round(c.r) + ", " + Math.round(c.g) + ", " + Math.round(c.b) + ")"; }
// The background behind an element: its own and its ancestors' colours composited down to
// the first opaque one (white under the page). Null when an image or gradient is in the way.
function backgroundOf(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (style.backgroundImage && style.backgroundImage !== "none") { return null; }
    const c = rgba(style.backgroundColor);
    if (c.a > 0) { layers.push(c); }
    if (c.a >= 1) { break; }
  }
  let result = { r: 255, g: 255, b: 255, a: 1 };
  for (let i = layers.length - 1; i >= 0; i--) { result = over(layers[i], result); }
  return result;
}
function opacityOf(el) {
  let o = 1;
  for (let e = el; e; e = e.parentElement) { o *= parseFloat(getComputedStyle(e).opacity); }
  return o;
}
function hasOwnText(el) {
  if (["INPUT", "SELECT", "TEXTAREA"].indexOf(el.tagName) >= 0) {
    const type = (el.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "range", "color", "file", "hidden", "image"].indexOf(type) < 0 &&
      (el.tagName !== "INPUT" || el.value !== "");
  }
  for (const node of el.childNodes) {
    if (node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== "") { return true; }
  }
  return false;
}
const skipped = ["SCRIPT", "STYLE", "NOSCRIPT", "TITLE", "TEMPLATE", "OPTION"];
for (const el of document.body.querySelectorAll("*")) {
  if (skipped.indexOf(el.tagName) >= 0 || !hasOwnText(el) || !visible(el)) { continue; }
  if (el.disabled || el.closest("[disabled]")) { continue; }
  const box = el.getBoundingClientRect();
  if (box.width <= 1 || box.height <= 1) { continue; } // visually hidden: for screen readers
  const style = getComputedStyle(el);
  const background = backgroundOf(el);
  if (!background) { continue; }
  // SVG text (chart labels) is painted with its fill, not its colour.
  const paintedWith = el instanceof SVGElement ? style.fill : style.color;
  if (!paintedWith || paintedWith === "none" || paintedWith.indexOf("url(") === 0) { continue; }
  const colour = rgba(paintedWith);
  colour.a *= opacityOf(el);
  const text = over(colour, background);
  const l1 = luminance(text), l2 = luminance(background);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(style.fontSize);
  const bold = parseInt(style.fontWeight, 10) >= 700;
  const large = size >= 24 || (size >= 18.66 && bold);
  const needed = large ? 3 : 4.5;
  if (ratio < needed - 0.005) {
    problems.push("text contrast " + ratio.toFixed(2) + ":1 < " + needed + ":1: " + describe(el) +
      " (" + show(text) + " on " + show(background) + ", " + size + "px)");
  }
}
return problems;
