/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), with the escaping the
 * runner expects, as in @actions/core's command.ts; a few lines do not justify that dependency.
 */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export interface Annotation {
  level: 'error' | 'warning';
  message: string;
  title?: string;
  file?: string;
  line?: number;
  col?: number;
}

export function workflowCommand(a: Annotation): string {
  const props: string[] = [];
  if (a.file !== undefined) {
    props.push(`file=${property(a.file)}`);
    if (a.line !== undefined) props.push(`line=${a.line}`);
    if (a.line !== undefined && a.col !== undefined) props.push(`col=${a.col}`);
  }
  if (a.title !== undefined) props.push(`title=${property(a.title)}`);
  return `::${a.level}${props.length ? ` ${props.join(',')}` : ''}::${data(a.message)}`;
}
