/**
 * Text from input files (names, paths, fields) reaches three media; each gets the one escaping
 * it needs, here and nowhere else. Workload and bench names with control characters are refused
 * at validation; these functions are the second line for everything else (paths from the command
 * line, fields quoted in errors, names read from JSON).
 */

// C0 and C1 controls and DEL: ESC starts terminal escape sequences, CR and BS rewrite a line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_G = /[\u0000-\u001f\u007f-\u009f]/g;
// Unicode bidirectional overrides and isolates reorder what a reader sees (CVE-2021-42574).
const BIDI_G = /[\u202a-\u202e\u2066-\u2069]/g;

/** True when `s` holds a control character (what validation refuses in names). */
export function hasControlChars(s: string): boolean {
  return CONTROL.test(s);
}

/** Control and bidi characters as visible \u escapes: what a terminal shows of untrusted text. */
export function forTerminal(s: string): string {
  return s.replace(CONTROL_G, uEscape).replace(BIDI_G, uEscape);
}

function uEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** At most this many characters of a field are quoted back in an error. */
const QUOTE_MAX_CHARS = 40;

/**
 * A field from a file, quoted in an error message: single-quoted, terminal-safe and cut short, so
 * an error never carries more of a file than the start of the offending field.
 */
export function quoteField(s: string, maxChars = QUOTE_MAX_CHARS): string {
  return `'${forTerminal(truncate(s, maxChars))}'`;
}

/** `s` cut to `maxChars` characters (code points), with an ellipsis when cut. */
export function truncate(s: string, maxChars = QUOTE_MAX_CHARS): string {
  if (s.length <= maxChars) return s;
  const chars = [...s];
  return chars.length > maxChars ? chars.slice(0, maxChars).join('') + '…' : s;
}

/**
 * Text in GitHub-flavoured markdown (table cells, list items): HTML is shown, never run;
 * markdown punctuation stays literal; `|` cannot end a cell; `@name` does not notify anyone
 * (a zero-width space after `@`, as Renovate does); no line breaks. `<` becoming `&lt;` also means
 * no name can contain an HTML comment, so the gate's comment marker cannot be forged.
 */
export function forMarkdown(s: string): string {
  return forTerminal(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/@/g, '@&#8203;');
}

/** Text inside HTML elements or double-quoted attributes. */
export function forHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
