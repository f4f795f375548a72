// wrap-ansi 7 ships no types. It is the major that measures with string-width 4, as cli-table3
// does, and loads no Intl.Segmenter (later majors create one at import: ~10 ms of ICU start-up).
declare module 'wrap-ansi' {
  export default function wrapAnsi(text: string, columns: number, options?: { hard?: boolean; wordWrap?: boolean; trim?: boolean }): string;
}
