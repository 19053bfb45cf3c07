import fc from 'fast-check';

/** Cuts `bytes` at the given offsets (taken modulo its length, in any order, repeats allowed). */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Buffer[] {
  const cuts = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(Buffer.from(bytes.subarray(start, cut)));
    start = cut;
  }
  return chunks;
}

/** Offsets for {@link splitAt}: from none (one chunk) to one per byte of a short input. */
export const cutOffsets: fc.Arbitrary<number[]> = fc.array(fc.nat(), { maxLength: 40 });
