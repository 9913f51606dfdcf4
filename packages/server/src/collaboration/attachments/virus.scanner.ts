/** The outcome of scanning one upload. */
export type ScanResult = { clean: true } | { clean: false; threat: string };

/**
 * The hook point for a virus scanner (ClamAV over clamd, a cloud scanning API...): called with
 * every upload before it is stored; a file that is not clean is refused and the refusal audited.
 */
export interface VirusScanner {
  readonly name: string;
  scan(content: Uint8Array, meta: { fileName: string; contentType: string }): Promise<ScanResult>;
}

/** The default: no scanning (install a real scanner in production). */
export const noopVirusScanner: VirusScanner = {
  name: 'none',
  scan: async () => ({ clean: true }),
};

// Assembled from pieces so that this source file is not itself reported as the test virus.
const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!', '$H+H*'].join('');
const EICAR_BYTES = Buffer.from(EICAR, 'latin1');

/** The EICAR test signature, for tests and demos of the scanning hook. */
export function eicarTestString(): string {
  return EICAR;
}

/** Rejects any file containing the EICAR test signature, as every real scanner does. */
export const eicarTestScanner: VirusScanner = {
  name: 'eicar-test',
  scan: async (content) =>
    Buffer.from(content.buffer, content.byteOffset, content.byteLength).includes(EICAR_BYTES)
      ? { clean: false, threat: 'EICAR-Test-File' }
      : { clean: true },
};
