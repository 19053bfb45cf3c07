/**
 * Job ids: 16 characters of base64url (96 random bits), cut from a pool of
 * random bytes refilled 4 KiB at a time. Cheaper than `randomUUID()`, whose
 * string is a rope of some twenty pieces that a map of 100,000 ids keeps.
 *
 * @internal
 * @module
 */
import { randomFillSync } from 'node:crypto';

const ID_BYTES = 12;
const pool = Buffer.alloc(ID_BYTES * 341);
let offset = pool.length;

/** A new random job id. */
export function newJobId(): string {
  if (offset + ID_BYTES > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += ID_BYTES;
  return pool.toString('base64url', offset - ID_BYTES, offset);
}
