import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/**
 * The one terminal table factory: every table in every command is built here, so borders,
 * colour, alignment and fitting to the terminal are decided once. Built on cli-table3 (borders,
 * wrapping, spans); the fitting to a width is ours because cli-table3 takes fixed widths only.
 * Widths are measured with string-width 4, the version cli-table3 measures with.
 */
export interface Column {
  head: string;
  /** Numbers are right-aligned. */
  align?: 'left' | 'right';
  /** Text that may wrap onto more lines when the table is too wide, down to `minWidth`. */
  wrap?: boolean;
  minWidth?: number;
  /**
   * A column of detail (a formula, a stage split) that moves under its row, across the table,
   * when the table does not fit otherwise. `labelled`: shown as `head value` there.
   */
  under?: 'plain' | 'labelled';
}

interface TableStyle {
  color: ChalkInstance;
  /** Columns of the terminal (or the chosen width) the table must fit in. */
  width: number;
}

const BORDER_PER_COLUMN = 1;
const PADDING = 2;

const cellWidth = (s: string) => Math.max(0, ...s.split('\n').map((line) => stringWidth(line)));
const longestWord = (s: string) => Math.max(0, ...s.split(/\s+/).map((word) => stringWidth(word)));
const tableWidth = (widths: number[]) => widths.reduce((a, b) => a + b, 0) + widths.length * BORDER_PER_COLUMN + 1;

/** Widths (with padding) for columns within `width`, wrapping the wrap columns; undefined if they cannot fit. */
function fit(columns: Column[], rows: string[][], width: number): number[] | undefined {
  const natural = columns.map((col, i) => Math.max(cellWidth(col.head), ...rows.map((r) => cellWidth(r[i] ?? ''))) + PADDING);
  if (tableWidth(natural) <= width) return natural;
  const widths = [...natural];
  // A column never wraps below its longest word (cli-table3 would cut it) nor its minWidth.
  const floor = columns.map((col, i) => Math.max(col.minWidth ?? 0, longestWord(col.head), ...rows.map((r) => longestWord(r[i] ?? ''))) + PADDING);
  // Take the excess from the widest wrap columns first.
  let excess = tableWidth(widths) - width;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i]!;
      if (!col.wrap || widths[i]! <= floor[i]!) continue;
      if (widest < 0 || widths[i]! > widths[widest]!) widest = i;
    }
    if (widest < 0) return undefined;
    widths[widest]!--;
    excess--;
  }
  return widths;
}

/**
 * Renders a table that fits `width` columns: natural widths when they fit; else wrap the
 * wrap columns; else move the `under` columns beneath their rows; else wrap every column.
 * No line between rows (it doubled the height); a line under the head only.
 */
export function renderTable(columns: Column[], rows: string[][], { color: c, width }: TableStyle): string {
  let shown = columns.map((_, i) => i);
  let widths = fit(columns, rows, width);
  let moved: number[] = [];
  if (!widths && columns.some((col) => col.under)) {
    moved = shown.filter((i) => columns[i]!.under);
    shown = shown.filter((i) => !columns[i]!.under);
    const cols = shown.map((i) => columns[i]!);
    const cells = rows.map((r) => shown.map((i) => r[i] ?? ''));
    widths = fit(cols, cells, width) ?? fit(cols.map((col) => ({ ...col, wrap: true })), cells, width);
  }
  if (!widths) widths = fit(columns.map((col) => ({ ...col, wrap: true })), rows, width);
  // Too narrow for even the longest words: share the width equally and let cli-table3 cut.
  if (!widths) {
    const n = shown.length;
    widths = shown.map(() => Math.max(3, Math.floor((width - n - 1) / n)));
  }

  const style = { head: c.level > 0 ? ['cyan'] : [], border: c.level > 0 ? ['grey'] : [], compact: true };
  const t = new Table({
    head: shown.map((i) => columns[i]!.head),
    colWidths: widths,
    colAligns: shown.map((i) => columns[i]!.align ?? 'left'),
    wordWrap: true,
    wrapOnWordBoundary: true,
    style,
  });
  const spanWidth = tableWidth(widths) - 2 - PADDING;
  for (const row of rows) {
    t.push(shown.map((i) => row[i] ?? ''));
    const detail = moved
      .map((i) => ({ col: columns[i]!, text: row[i] ?? '' }))
      .filter((d) => d.text !== '')
      .map((d) => (d.col.under === 'labelled' ? `${d.col.head} ${d.text}` : d.text))
      .join(' · ');
    // Wrapped here: cli-table3 forgets the borders a span covers and would wrap it too narrow.
    if (detail) t.push([{ colSpan: shown.length, content: wrapLine(`  ${detail}`, spanWidth, '  '), wordWrap: false }]);
  }
  return t.toString();
}

/** A line of prose (heading, warning, note) wrapped to the width; continuation lines indented. */
export function wrapLine(text: string, width: number, indent = '  '): string {
  if (stringWidth(text) <= width) return text;
  const lead = /^ */.exec(text)![0];
  const [head, ...rest] = wrapAnsi(text.slice(lead.length), width - lead.length, { hard: true }).split('\n');
  const more = rest.length ? wrapAnsi(rest.join(' '), width - indent.length, { hard: true }).split('\n') : [];
  return [lead + head, ...more.map((l) => indent + l)].join('\n');
}
