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
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
const BIDI_G = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * True when `s` holds a control character or a bidi override (what validation refuses in names):
 * either can make a terminal, a PR comment or a chart show something other than the text.
 */
export function hasControlChars(s: string): boolean {
  return CONTROL.test(s) || BIDI.test(s);
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

/**
 * Text inside HTML elements or quoted attributes: the five characters that can end a text node or
 * an attribute value become entities; control and bidi characters become visible escapes.
 */
export function forHtml(s: string): string {
  return forTerminal(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Text inside a Mermaid double-quoted string (chart titles, labels): no quote, line break or
 * backtick fence; and, since a PR comment shows the block's source where Mermaid does not
 * render, no HTML tag or @mention; cut to `maxChars`.
 */
export function forMermaid(s: string, maxChars = 120): string {
  const text = forTerminal(s).replace(/["`]+/g, "'").replace(/[<>]/g, ' ').replace(/@/g, '＠');
  return `"${truncate(text, maxChars)}"`;
}

/**
 * YAML text that capacity-plan wrote, made safe to show and paste: bidi overrides become \u
 * escapes. Valid only where every scalar holding one is double-quoted (the writer's job; YAML
 * double quotes take \u escapes and already escape control characters), so the value is kept.
 */
export function forYaml(yamlText: string): string {
  return yamlText.replace(BIDI_G, uEscape);
}

// The only escape sequences capacity-plan writes itself: SGR colour codes (chalk).
// eslint-disable-next-line no-control-regex
const TERMINAL_OUTPUT_G = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A whole terminal view, the last line of defence after every formatter: line breaks and tabs stay, and
 * colour codes stay when `colour` is on (chalk writes them); every other control character,
 * escape sequence introducer (OSC, CSI cursor moves) and bidi override becomes a visible escape.
 */
export function forTerminalOutput(text: string, colour: boolean): string {
  return text.replace(TERMINAL_OUTPUT_G, (m) => (m.length > 1 ? (colour ? m : m.replace(/\u001b/g, '\\u001b')) : uEscape(m)));
}

/**
 * `value` with every string in it (keys excepted) passed through `escape`: untrusted text from a
 * saved result, escaped once before any view renders it. Iterative, so depth cannot overflow the
 * stack; values that are not plain JSON data are returned as they are.
 */
export function mapStrings<T>(value: T, escape: (s: string) => string): T {
  if (typeof value === 'string') return escape(value) as T;
  if (value === null || typeof value !== 'object') return value;
  const root: unknown = Array.isArray(value) ? [...value] : { ...value };
  const stack: Array<Record<string, unknown> | unknown[]> = [root as Record<string, unknown>];
  while (stack.length > 0) {
    const node = stack.pop()! as Record<string, unknown>;
    for (const key of Object.keys(node)) {
      const v = node[key];
      if (typeof v === 'string') node[key] = escape(v);
      else if (v !== null && typeof v === 'object') {
        const copy = Array.isArray(v) ? [...v] : { ...(v as object) };
        node[key] = copy;
        stack.push(copy as Record<string, unknown>);
      }
    }
  }
  return root as T;
}
