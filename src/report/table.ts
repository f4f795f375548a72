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

/** The largest `measure` over `items`: a loop, since spreading 125,000 rows into Math.max overflows the stack. */
function widest<T>(items: readonly T[], measure: (item: T) => number): number {
  let max = 0;
  for (const item of items) max = Math.max(max, measure(item));
  return max;
}

const cellWidth = (s: string) => widest(s.split('\n'), stringWidth);
const longestWord = (s: string) => widest(s.split(/\s+/), stringWidth);
const tableWidth = (widths: number[]) => widths.reduce((a, b) => a + b, 0) + widths.length * BORDER_PER_COLUMN + 1;

/** Widths (with padding) for columns within `width`, wrapping the wrap columns; undefined if they cannot fit. */
function fit(columns: Column[], rows: string[][], width: number): number[] | undefined {
  const natural = columns.map(
    (col, i) =>
      Math.max(
        cellWidth(col.head),
        widest(rows, (r) => cellWidth(r[i] ?? '')),
      ) + PADDING,
  );
  if (tableWidth(natural) <= width) return natural;
  const widths = [...natural];
  // A column never wraps below its longest word (cli-table3 would cut it) nor its minWidth.
  const floor = columns.map(
    (col, i) =>
      Math.max(
        col.minWidth ?? 0,
        longestWord(col.head),
        widest(rows, (r) => longestWord(r[i] ?? '')),
      ) + PADDING,
  );
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

/** Most of a cell a terminal table shows: more is unreadable there, and wrapping it is slow. */
const MAX_CELL_CHARS = 2_000;
const MAX_CELL_LINES = 100;

/** A cell cut to the bounds above, with an ellipsis where it was cut (the JSON view keeps it whole). */
function boundCell(s: string): string {
  let out = s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS)}…` : s;
  let lines = 0;
  for (let at = out.indexOf('\n'); at >= 0; at = out.indexOf('\n', at + 1)) {
    if (++lines === MAX_CELL_LINES) {
      out = `${out.slice(0, at)}\n…`;
      break;
    }
  }
  return out;
}

/**
 * Renders a table that fits `width` columns: natural widths when they fit; else wrap the
 * wrap columns; else move the `under` columns beneath their rows; else wrap every column.
 * No line between rows (it doubled the height); a line under the head only.
 */
export function renderTable(columns: Column[], allRows: string[][], { color: c, width }: TableStyle): string {
  const rows = allRows.map((r) => r.map(boundCell));
  let shown = columns.map((_, i) => i);
  let widths = fit(columns, rows, width);
  let moved: number[] = [];
  if (!widths && columns.some((col) => col.under)) {
    moved = shown.filter((i) => columns[i]!.under);
    shown = shown.filter((i) => !columns[i]!.under);
    const cols = shown.map((i) => columns[i]!);
    const cells = rows.map((r) => shown.map((i) => r[i] ?? ''));
    widths =
      fit(cols, cells, width) ??
      fit(
        cols.map((col) => ({ ...col, wrap: true })),
        cells,
        width,
      );
  }
  if (!widths)
    widths = fit(
      columns.map((col) => ({ ...col, wrap: true })),
      rows,
      width,
    );
  // Too narrow for even the longest words: share the width equally and let cli-table3 cut.
  if (!widths) {
    const n = shown.length;
    widths = shown.map(() => Math.max(3, Math.floor((width - n - 1) / n)));
  }

  const style = { head: c.level > 0 ? ['cyan'] : [], border: c.level > 0 ? ['grey'] : [], compact: true };
  const options = {
    colWidths: widths,
    colAligns: shown.map((i) => columns[i]!.align ?? 'left'),
    wordWrap: true,
    wrapOnWordBoundary: true,
    style,
  };
  const spanWidth = tableWidth(widths) - 2 - PADDING;
  const entries: Table.HorizontalTableRow[] = [];
  for (const row of rows) {
    entries.push(shown.map((i) => row[i] ?? ''));
    const detail = moved
      .map((i) => ({ col: columns[i]!, text: row[i] ?? '' }))
      .filter((d) => d.text !== '')
      .map((d) => (d.col.under === 'labelled' ? `${d.col.head} ${d.text}` : d.text))
      .join(' · ');
    // Wrapped here: cli-table3 forgets the borders a span covers and would wrap it too narrow.
    if (detail) entries.push([{ colSpan: shown.length, content: wrapLine(`  ${detail}`, spanWidth, '  '), wordWrap: false }]);
  }
  return chunkedTable(
    shown.map((i) => columns[i]!.head),
    entries,
    options,
  );
}

/**
 * cli-table3 passes all of a table's rows as the arguments of one call (push.apply), which
 * overflows the stack past about 100,000 rows: a long table is drawn in chunks of the same column
 * widths, joined where one chunk's bottom border would meet the next one's top border.
 */
const ROWS_PER_CHUNK = 5_000;

function chunkedTable(head: string[], entries: Table.HorizontalTableRow[], options: Table.TableConstructorOptions): string {
  const parts: string[] = [];
  for (let at = 0; at === 0 || at < entries.length; at += ROWS_PER_CHUNK) {
    const t = new Table({ ...options, style: { ...options.style }, ...(at === 0 ? { head } : {}) });
    t.push(...entries.slice(at, at + ROWS_PER_CHUNK));
    let lines = t.toString().split('\n');
    if (at > 0) lines = lines.slice(1);
    if (at + ROWS_PER_CHUNK < entries.length) lines = lines.slice(0, -1);
    parts.push(lines.join('\n'));
  }
  return parts.join('\n');
}

/** A line of prose (heading, warning, note) wrapped to the width; continuation lines indented. */
export function wrapLine(text: string, width: number, indent = '  '): string {
  if (stringWidth(text) <= width) return text;
  const lead = /^ */.exec(text)![0];
  const [head, ...rest] = wrapAnsi(text.slice(lead.length), width - lead.length, { hard: true }).split('\n');
  const more = rest.length ? wrapAnsi(rest.join(' '), width - indent.length, { hard: true }).split('\n') : [];
  return [lead + head, ...more.map((l) => indent + l)].join('\n');
}
