// The bytes this page's load transferred over the network (run as a WebDriver script, after
// the load event): the navigation entry and every resource, as the Performance API counts
// them (headers and encoded bodies; 0 for what came from the cache), and each body's size
// once decoded.
"use strict";
const entries = performance.getEntriesByType("navigation")
  .concat(performance.getEntriesByType("resource"));
return entries.map(function (e) { return { name: e.name, bytes: e.transferSize || 0, decoded: e.transferSize ? (e.decodedBodySize || 0) : 0 }; });
