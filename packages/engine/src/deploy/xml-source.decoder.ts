import type { LintProblem } from './lint-problem.js';

/** Larger models are refused before parsing; real collection flows are a few hundred KB at most. */
export const MAX_BPMN_BYTES = 5 * 1024 * 1024;

export interface DecodedSource {
  text?: string;
  encoding?: string;
  problems: LintProblem[];
}

function problem(code: string, message: string): LintProblem {
  return { elementId: null, code, message, severity: 'error' };
}

function detectBom(bytes: Uint8Array): { encoding: string; skip: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  return undefined;
}

/**
 * Turns uploaded bytes into text, honouring the XML declaration's encoding, and refuses what a
 * parser should never see: oversized files and DTDs (entity-expansion bombs hide in DOCTYPE).
 */
export function decodeBpmnSource(input: Uint8Array | string, maxBytes = MAX_BPMN_BYTES): DecodedSource {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) {
    return {
      problems: [
        problem(
          'bpmn.too_large',
          `the file is ${size} bytes; the limit is ${maxBytes} bytes (${Math.floor(maxBytes / 1024 / 1024)} MB)`,
        ),
      ],
    };
  }
  if (size === 0) return { problems: [problem('bpmn.empty', 'the file is empty')] };

  let text: string;
  let encoding = 'utf-8';
  if (typeof input === 'string') {
    text = input;
  } else {
    const bom = detectBom(input);
    if (bom) {
      encoding = bom.encoding;
    } else {
      // The declaration is ASCII in every encoding we accept, so latin1 is safe for sniffing it.
      const head = Buffer.from(input.subarray(0, 256)).toString('latin1');
      const declared = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
      if (declared) encoding = declared.toLowerCase();
    }
    let decoder: InstanceType<typeof TextDecoder>;
    try {
      decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
    } catch {
      return {
        problems: [
          problem('bpmn.unsupported_encoding', `the declared encoding "${encoding}" is not supported`),
        ],
      };
    }
    try {
      text = decoder.decode(input);
    } catch {
      return {
        problems: [
          problem(
            'bpmn.invalid_encoding',
            `the file is not valid ${encoding}; save it as UTF-8 or fix the declaration`,
          ),
        ],
      };
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // The text is decoded now; the parser must not try to honour the original declaration again.
  text = text.replace(/^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2/, '$1$2UTF-8$2');

  // BPMN never needs a DTD; refusing it outright is simpler and safer than limiting expansion.
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    return {
      problems: [
        problem(
          'bpmn.doctype_forbidden',
          'DOCTYPE and ENTITY declarations are not allowed in BPMN files (they enable entity-expansion attacks)',
        ),
      ],
    };
  }
  return { text, encoding, problems: [] };
}
