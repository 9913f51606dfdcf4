/**
 * One CSV cell, quoted. A leading =, +, -, @, tab or CR would make a spreadsheet evaluate the
 * cell as a formula (CSV injection), so such a value gets a leading apostrophe.
 */
export function csvCell(value: unknown): string {
  const s =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** A whole CSV document: a BOM (so that Excel reads UTF-8 Chinese), CRLF line ends. */
export function csvDocument(header: readonly unknown[], rows: readonly (readonly unknown[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
