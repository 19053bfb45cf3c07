/**
 * An encoder for `%output` data written from tmux's description (bytes below
 * 0x20 and the backslash become `\ooo`, every other byte passes raw), kept
 * apart from the library's decoder so each checks the other.
 */
export function escapeOutput(bytes: Uint8Array): Buffer {
  const parts: string[] = [];
  for (const byte of bytes) {
    parts.push(byte < 0x20 || byte === 0x5c ? `\\${byte.toString(8).padStart(3, '0')}` : String.fromCharCode(byte));
  }
  return Buffer.from(parts.join(''), 'latin1');
}
