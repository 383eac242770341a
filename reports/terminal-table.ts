// Tables for the terminal (cli-table3): a header row, columns wrapped to fit, no colours (the same
// text in a terminal, a file or a CI log).
import Table from 'cli-table3';

export type Cell = string | number | { content: string; colSpan: number };

export function table(head: readonly string[], rows: readonly Cell[][], widths?: readonly number[]): string {
  const t = new Table({
    head: [...head],
    style: { head: [], border: [], compact: true },
    wordWrap: true,
    ...(widths && { colWidths: [...widths] }),
  });
  for (const row of rows) t.push(row.map((cell) => (typeof cell === 'object' ? { ...cell } : cell)));
  return t.toString();
}
