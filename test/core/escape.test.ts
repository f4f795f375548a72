import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forHtml, forMarkdown, forTerminal, hasControlChars, quoteField } from '../../src/core/escape.js';

describe('escaping for each medium', () => {
  it('terminal: control and bidi characters become visible escapes, nothing else changes', () => {
    expect(forTerminal('a\u001b[2Jb\rc\u202ed')).toBe('a\\u001b[2Jb\\u000dc\\u202ed');
    expect(forTerminal('café → ×')).toBe('café → ×');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(hasControlChars(forTerminal(s))).toBe(false);
      }),
    );
  });

  it('quoteField: at most 40 characters of a field, then an ellipsis', () => {
    expect(quoteField('x'.repeat(100))).toBe(`'${'x'.repeat(40)}…'`);
    expect(quoteField('short')).toBe("'short'");
  });

  it('markdown: no HTML, no cell break, no mention, no forged comment marker, no line break', () => {
    expect(forMarkdown('a | <b> @octocat <!-- capacity-plan-gate --> [x](y) *z*')).toBe(
      'a \\| &lt;b&gt; @&#8203;octocat &lt;!-- capacity-plan-gate --&gt; \\[x\\](y) \\*z\\*',
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const md = forMarkdown(s);
        expect(md).not.toMatch(/[<>\n\r]|(^|[^\\])\||@(?!&#8203;)/);
      }),
    );
  });

  it('HTML: the five special characters become entities', () => {
    expect(forHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
