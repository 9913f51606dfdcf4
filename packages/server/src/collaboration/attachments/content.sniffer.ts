/**
 * What a file really is, from its first bytes: the declared type and the extension are only
 * claims, and a ".pdf" that starts with "MZ" is a Windows program. Covers the types the
 * allow-list can name; anything else is unknown (and so refused).
 */

export const EXECUTABLE = 'application/x-executable';

export const TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
  csv: 'text/csv',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
};

/** What collection teams attach: documents, scans and photos, spreadsheets, call recordings. */
export const DEFAULT_ALLOWED_TYPES: readonly string[] = [...new Set(Object.values(TYPE_BY_EXTENSION))];

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

function isText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64 * 1024);
  for (const b of sample) {
    // NUL and the C0 controls other than tab, newline, form feed and carriage return mean binary.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return false;
    if (b === 0x7f) return false;
  }
  try {
    // A cut at 64 KiB may split a character: decode the sample without its last 3 bytes' risk.
    new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.length > sample.length ? sample.subarray(0, sample.length - 3) : sample,
    );
    return true;
  } catch {
    return false;
  }
}

function zipContains(bytes: Uint8Array, name: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from(name, 'latin1'));
}

/** The sniffed MIME type, EXECUTABLE for programs and scripts, or undefined when unknown. */
export function sniffContentType(bytes: Uint8Array, extension?: string): string | undefined {
  if (bytes.length === 0) return undefined;
  // Programs: Windows PE, ELF, Mach-O (and fat binaries), Java classes share CAFEBABE; scripts with #!.
  if (startsWith(bytes, ascii('MZ'))) return EXECUTABLE;
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return EXECUTABLE;
  for (const magic of [
    [0xfe, 0xed, 0xfa, 0xce],
    [0xfe, 0xed, 0xfa, 0xcf],
    [0xce, 0xfa, 0xed, 0xfe],
    [0xcf, 0xfa, 0xed, 0xfe],
    [0xca, 0xfe, 0xba, 0xbe],
  ]) {
    if (startsWith(bytes, magic)) return EXECUTABLE;
  }
  if (startsWith(bytes, ascii('#!'))) return EXECUTABLE;

  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WAVE'), 8)) return 'audio/wav';
  if (startsWith(bytes, ascii('ID3')) || startsWith(bytes, [0xff, 0xfb]) || startsWith(bytes, [0xff, 0xf3])) {
    return 'audio/mpeg';
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // OLE2 compound file: Word 97 or Excel 97; the extension tells which.
    return extension === 'xls' ? 'application/vnd.ms-excel' : 'application/msword';
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // Office Open XML is a zip with a known part; any other zip is not allowed.
    if (zipContains(bytes, 'word/')) return TYPE_BY_EXTENSION.docx;
    if (zipContains(bytes, 'xl/')) return TYPE_BY_EXTENSION.xlsx;
    return 'application/zip';
  }
  if (isText(bytes)) return extension === 'csv' ? 'text/csv' : 'text/plain';
  return undefined;
}

export function extensionOf(fileName: string): string | undefined {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return match ? match[1]!.toLowerCase() : undefined;
}

/** Two names for the same thing (text/csv is text; some browsers send image/jpg). */
export function sameType(a: string, b: string): boolean {
  const norm = (t: string) =>
    t === 'image/jpg'
      ? 'image/jpeg'
      : t === 'audio/x-wav' || t === 'audio/wave'
        ? 'audio/wav'
        : t === 'audio/mp3'
          ? 'audio/mpeg'
          : t;
  const x = norm(a);
  const y = norm(b);
  if (x === y) return true;
  const text = new Set(['text/plain', 'text/csv']);
  return text.has(x) && text.has(y);
}
