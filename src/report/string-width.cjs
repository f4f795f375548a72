'use strict';
// string-width 4, what cli-table3 and wrap-ansi (and report/table.ts) measure text with, plus a
// fast path. At every call string-width builds emoji-regex's 10 kB pattern and runs it over the
// text; one plan's table measures ~1,800 strings, 3-4 ms of its start. Printable ASCII, the
// box-drawing block of the table borders and the few symbols the reports print are one column
// a character whatever emoji-regex says (test/report/string-width.test.ts checks each of them
// and mixed text against string-width itself), so such text skips it; any other text is measured
// by string-width. The build points every bundled `string-width` here (scripts/build.mjs);
// CommonJS, because cli-table3 and wrap-ansi require() it.
const exact = require('string-width');
const stripAnsi = require('strip-ansi');

/** Printable ASCII; box drawing U+2500-U+257F; × ± – — → − ≤ ≥ ≈. */
const ONE_COLUMN_EACH = /^[\x20-\x7e\u2500-\u257f\u00d7\u00b1\u2013\u2014\u2192\u2212\u2264\u2265\u2248]*$/;

function stringWidth(text) {
  if (typeof text !== 'string') return exact(text);
  const plain = text.includes('\u001b') || text.includes('\u009b') ? stripAnsi(text) : text;
  return ONE_COLUMN_EACH.test(plain) ? plain.length : exact(plain);
}

module.exports = stringWidth;
module.exports.default = stringWidth;
