'use strict';
// string-width 4, what cli-table3 and wrap-ansi (and report/table.ts) measure text with, plus a
// fast path. At every call string-width builds emoji-regex's 10 kB pattern and runs it over the
// text: measuring one plan's table that way took ~4 ms of a ~60 ms start. Printable ASCII is one
// column a character whatever emoji-regex says (test/report/string-width.test.ts checks every
// such character and mixed text against string-width itself), so such text skips it; any other
// text is measured by string-width. The build points every bundled `string-width` here
// (scripts/build.mjs); CommonJS, because cli-table3 and wrap-ansi require() it.
const exact = require('string-width');
const stripAnsi = require('strip-ansi');

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function stringWidth(text) {
  if (typeof text !== 'string') return exact(text);
  const plain = text.includes('\u001b') || text.includes('\u009b') ? stripAnsi(text) : text;
  return PRINTABLE_ASCII.test(plain) ? plain.length : exact(plain);
}

module.exports = stringWidth;
module.exports.default = stringWidth;
