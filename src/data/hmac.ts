/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104) in plain TypeScript: synchronous, with no
 * dependency on `node:crypto` (absent in browsers) or WebCrypto (asynchronous), so the same code
 * runs in Node, Deno, Bun and browsers.
 *
 * Words are kept in `Int32Array`s and combined with `| 0` / `>>>` only (every intermediate sum
 * is an exact double below 2^36 before the `| 0` reduces it mod 2^32). The 64-word message
 * schedule and the padding block are module-level buffers reused by every compression, so
 * hashing allocates nothing per block.
 *
 * Internal module: {@link pseudonymize} is the public entry point.
 *
 * @internal
 * @module
 */

/** FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 §5.3.3: the initial hash value H(0). */
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** SHA-256 block size in bytes. */
const BLOCK = 64;

/** Message schedule W0..W63, reused by every compression. */
const W = new Int32Array(64);

/** Last one or two blocks of a message (tail bytes, 0x80, zeros, 64-bit bit length). */
const PAD = new Uint8Array(2 * BLOCK);

/**
 * The SHA-256 compression function (FIPS 180-4 §6.2.2): folds the 64-byte block at `p[off]`
 * into the eight-word state `s`, in place.
 */
function compress(s: Int32Array, p: Uint8Array, off: number): void {
  const w = W;
  for (let t = 0; t < 16; t++, off += 4) {
    w[t] = (p[off] << 24) | (p[off + 1] << 16) | (p[off + 2] << 8) | p[off + 3];
  }
  rounds(s);
}

/** Expands the message words `W[0..16)` into the schedule and runs the 64 rounds on `s`. */
function rounds(s: Int32Array): void {
  const w = W;
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15];
    const y = w[t - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
  }
  let a = s[0];
  let b = s[1];
  let c = s[2];
  let d = s[3];
  let e = s[4];
  let f = s[5];
  let g = s[6];
  let h = s[7];
  for (let t = 0; t < 64; t++) {
    const sigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + sigma1 + ch + K[t] + w[t]) | 0;
    const sigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + sigma0 + maj) | 0;
  }
  s[0] = (s[0] + a) | 0;
  s[1] = (s[1] + b) | 0;
  s[2] = (s[2] + c) | 0;
  s[3] = (s[3] + d) | 0;
  s[4] = (s[4] + e) | 0;
  s[5] = (s[5] + f) | 0;
  s[6] = (s[6] + g) | 0;
  s[7] = (s[7] + h) | 0;
}

/**
 * Hashes `msg[0..len)` into the state `s`, which has already absorbed `prefix` bytes (a multiple
 * of 64), then pads (FIPS 180-4 §5.1.1) with the total length `prefix + len` and finishes.
 */
function finish(s: Int32Array, msg: Uint8Array, len: number, prefix: number): void {
  let off = 0;
  for (; len - off >= BLOCK; off += BLOCK) compress(s, msg, off);
  const rem = len - off;
  const pad = PAD;
  for (let i = 0; i < rem; i++) pad[i] = msg[off + i];
  pad[rem] = 0x80;
  const end = rem < BLOCK - 8 ? BLOCK : 2 * BLOCK;
  pad.fill(0, rem + 1, end - 8);
  const bits = (prefix + len) * 8;
  const hi = Math.floor(bits / 0x1_0000_0000);
  const lo = bits >>> 0;
  pad[end - 8] = hi >>> 24;
  pad[end - 7] = hi >>> 16;
  pad[end - 6] = hi >>> 8;
  pad[end - 5] = hi;
  pad[end - 4] = lo >>> 24;
  pad[end - 3] = lo >>> 16;
  pad[end - 2] = lo >>> 8;
  pad[end - 1] = lo;
  compress(s, pad, 0);
  if (end > BLOCK) compress(s, pad, BLOCK);
}

/** Writes the eight state words big-endian into `out[0..32)`. */
function writeDigest(s: Int32Array, out: Uint8Array): void {
  for (let i = 0, j = 0; i < 8; i++, j += 4) {
    const v = s[i];
    out[j] = v >>> 24;
    out[j + 1] = v >>> 16;
    out[j + 2] = v >>> 8;
    out[j + 3] = v;
  }
}

/**
 * SHA-256 digest (FIPS 180-4) of `bytes`.
 *
 * @internal
 * @example
 * ```ts
 * import { sha256 } from './hmac.js'; // internal module (src/data/hmac.ts)
 * const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
 * hex(sha256(new TextEncoder().encode('abc')));
 * // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export function sha256(bytes: Uint8Array): Uint8Array {
  const s = IV.slice();
  finish(s, bytes, bytes.length, 0);
  const out = new Uint8Array(32);
  writeDigest(s, out);
  return out;
}

/**
 * An HMAC-SHA-256 key with its inner and outer padded blocks already compressed (RFC 2104 §2:
 * `H(K ⊕ opad ‖ H(K ⊕ ipad ‖ m))`). Each {@link HmacSha256Key.macInto | macInto} call then
 * costs the compressions of the message plus one for the outer hash: two in all for messages of
 * up to 55 bytes, instead of four when the key blocks are recompressed every time.
 *
 * One instance is not reentrant (it owns scratch buffers), which is fine for synchronous use.
 *
 * @internal
 * @example
 * ```ts
 * import { HmacSha256Key } from './hmac.js'; // internal module (src/data/hmac.ts)
 * const mac = new HmacSha256Key(new TextEncoder().encode('key'));
 * const out = new Uint8Array(32);
 * const msg = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
 * mac.macInto(msg, msg.length, out);
 * out[0].toString(16); // 'f7' (the full MAC is f7bc83f4…2d1a3cd8)
 * ```
 */
export class HmacSha256Key {
  /** State after absorbing `K ⊕ ipad`. */
  private readonly inner = new Int32Array(8);
  /** State after absorbing `K ⊕ opad`. */
  private readonly outer = new Int32Array(8);
  /** Scratch state for one hash. */
  private readonly work = new Int32Array(8);

  /** Precomputes the padded key states. Keys longer than 64 bytes are hashed first (RFC 2104 §3). */
  constructor(key: Uint8Array) {
    const k = key.length > BLOCK ? sha256(key) : key;
    const block = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) block[i] = (k[i] ?? 0) ^ 0x36;
    this.inner.set(IV);
    compress(this.inner, block, 0);
    for (let i = 0; i < BLOCK; i++) block[i] = (k[i] ?? 0) ^ 0x5c;
    this.outer.set(IV);
    compress(this.outer, block, 0);
    block.fill(0);
  }

  /** Writes HMAC-SHA-256 of `msg[0..len)` into `out[0..32)`. Allocates nothing. */
  macInto(msg: Uint8Array, len: number, out: Uint8Array): void {
    const s = this.work;
    s.set(this.inner);
    finish(s, msg, len, BLOCK);
    // Outer hash: its message is the 32-byte inner digest, which with padding and the bit length
    // (64 + 32 bytes = 768 bits) fills exactly one block; load it as words, skipping the bytes.
    const w = W;
    for (let i = 0; i < 8; i++) w[i] = s[i];
    w[8] = 0x8000_0000 | 0;
    w.fill(0, 9, 15);
    w[15] = (BLOCK + 32) * 8;
    s.set(this.outer);
    rounds(s);
    writeDigest(s, out);
  }
}

/**
 * HMAC-SHA-256 (RFC 2104 with SHA-256, as tested by RFC 4231) of `message` under `key`.
 *
 * @internal
 * @example
 * ```ts
 * import { hmacSha256 } from './hmac.js'; // internal module (src/data/hmac.ts)
 * const enc = new TextEncoder();
 * const mac = hmacSha256(enc.encode('Jefe'), enc.encode('what do ya want for nothing?'));
 * mac[0].toString(16); // '5b' (RFC 4231 test case 2: 5bdcc146...3843)
 * ```
 */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  new HmacSha256Key(key).macInto(message, message.length, out);
  return out;
}
