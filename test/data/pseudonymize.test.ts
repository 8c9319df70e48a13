import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, MAX_ISSUES } from '../../src/errors.js';
import { HmacSha256Key, hmacSha256, sha256 } from '../../src/data/hmac.js';
import { pseudonymize, type PseudonymizeOptions } from '../../src/data/pseudonymize.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fill = (n: number, byte: number): Uint8Array => new Uint8Array(n).fill(byte);
/** Deterministic, non-repetitive bytes (so block boundaries and byte order matter). */
const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 167 + 13) & 0xff);

/** node:crypto as the oracle: HMAC-SHA-256 of the UTF-8 id, truncated and encoded. */
function oracle(key: string | Uint8Array, id: string, encoding: 'hex' | 'base64url' = 'hex', bytes = 32): string {
  return createHmac('sha256', key).update(id, 'utf8').digest().subarray(0, bytes).toString(encoding);
}

const KEY = 'k'.repeat(32);
const PROPS = { seed: 42, numRuns: 300 };

/** Any UTF-16 code unit, lone surrogates included (they encode as U+FFFD, like Buffer.from). */
const unitBelow = (max: number): fc.Arbitrary<string> => fc.nat({ max }).map((c) => String.fromCharCode(c));
const codeUnit = unitBelow(0xffff);
/** Mostly ASCII with some Latin-1 and other units: exercises the switch off the ASCII fast path. */
const mixedUnit = fc.oneof(
  { arbitrary: unitBelow(0x7f), weight: 6 },
  { arbitrary: unitBelow(0xff), weight: 2 },
  { arbitrary: codeUnit, weight: 1 },
);
const ids = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
  fc.string({ unit: codeUnit, minLength: 1, maxLength: 80 }),
  fc.string({ unit: mixedUnit, minLength: 1, maxLength: 80 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 200 }),
);
const keys = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 150 }),
  fc.string({ unit: 'binary', minLength: 32, maxLength: 80 }),
);

describe('sha256', () => {
  // FIPS 180-4 examples (NIST CSRC "Cryptographic Standards and Guidelines: Examples with
  // Intermediate Values", SHA256.pdf), also in NIST CAVP SHAVS and RFC 6234 §8.5.
  it('matches the one-block example "abc"', () => {
    expect(hex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches the 448-bit two-block example', () => {
    // FIPS 180-4 example "SHA256_2": the message fills 56 bytes, so padding needs a second block.
    const msg = utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    expect(msg.length * 8).toBe(448);
    expect(hex(sha256(msg))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('matches the empty-message digest', () => {
    // NIST CAVP SHA256ShortMsg.rsp, Len = 0.
    expect(hex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it("matches one million 'a's", () => {
    // FIPS 180-2 Appendix B.3 / RFC 6234 §8.5 TEST3 (1,000,000 repetitions of 'a').
    expect(hex(sha256(fill(1_000_000, 0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('equals node:crypto for every length 0..200 (all padding cases around 55/56/64 bytes)', () => {
    for (let n = 0; n <= 200; n++) {
      const msg = pattern(n);
      expect(hex(sha256(msg)), `length ${n}`).toBe(createHash('sha256').update(msg).digest('hex'));
    }
  });

  it('does not modify its input', () => {
    const msg = pattern(100);
    sha256(msg);
    expect(msg).toEqual(pattern(100));
  });
});

describe('hmacSha256', () => {
  // RFC 4231 §4 (Identifiers and Test Vectors for HMAC-SHA-224/256/384/512), HMAC-SHA-256 rows.
  const cases: readonly { name: string; key: Uint8Array; data: Uint8Array; mac: string }[] = [
    {
      name: '4.2 test case 1',
      key: fill(20, 0x0b),
      data: utf8('Hi There'),
      mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    },
    {
      name: '4.3 test case 2 (key shorter than the output)',
      key: utf8('Jefe'),
      data: utf8('what do ya want for nothing?'),
      mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    },
    {
      name: '4.4 test case 3 (50 bytes of 0xdd)',
      key: fill(20, 0xaa),
      data: fill(50, 0xdd),
      mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    },
    {
      name: '4.5 test case 4 (key 0x01..0x19)',
      key: Uint8Array.from({ length: 25 }, (_, i) => i + 1),
      data: fill(50, 0xcd),
      mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    },
    {
      name: '4.7 test case 6 (131-byte key, hashed first)',
      key: fill(131, 0xaa),
      data: utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
      mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    },
    {
      name: '4.8 test case 7 (131-byte key and 152-byte data)',
      key: fill(131, 0xaa),
      data: utf8(
        'This is a test using a larger than block-size key and a larger than block-size data. ' +
          'The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    },
  ];

  for (const c of cases) {
    it(`matches RFC 4231 ${c.name}`, () => {
      expect(hex(hmacSha256(c.key, c.data))).toBe(c.mac);
    });
  }

  it('matches RFC 4231 4.6 test case 5 (output truncated to 128 bits)', () => {
    // RFC 4231 §4.6: only the leading 128 bits are specified.
    const mac = hmacSha256(fill(20, 0x0c), utf8('Test With Truncation'));
    expect(hex(mac.subarray(0, 16))).toBe('a3b6167473100ee06e0c796c2955552b');
  });

  it('equals node:crypto for key lengths 0..150 (around the 64-byte block) and message lengths 0..150', () => {
    for (let k = 0; k <= 150; k++) {
      const key = pattern(k).map((b) => b ^ 0x5a);
      const msg = pattern((k * 37) % 151);
      expect(hex(hmacSha256(key, msg)), `key ${k}`).toBe(createHmac('sha256', key).update(msg).digest('hex'));
    }
  });

  it('HmacSha256Key gives the same MAC on reuse and only reads msg[0..len)', () => {
    const key = pattern(40);
    const mac = new HmacSha256Key(key);
    const out = new Uint8Array(32);
    const msg = pattern(150);
    for (const len of [0, 1, 55, 56, 64, 150, 3, 150]) {
      mac.macInto(msg, len, out);
      expect(hex(out), `len ${len}`).toBe(createHmac('sha256', key).update(msg.subarray(0, len)).digest('hex'));
    }
  });
});

describe('pseudonymize equals node:crypto HMAC-SHA-256', () => {
  it('hex, full length, for arbitrary unicode ids and keys of at least 32 bytes', () => {
    fc.assert(
      fc.property(ids, keys, (id, key) => {
        expect(pseudonymize([id], { key })).toEqual([oracle(key, id)]);
      }),
      PROPS,
    );
  });

  it('for every encoding and truncation 16..32', () => {
    fc.assert(
      fc.property(
        ids,
        keys,
        fc.constantFrom('hex' as const, 'base64url' as const),
        fc.integer({ min: 16, max: 32 }),
        (id, key, encoding, bytes) => {
          const [p] = pseudonymize([id], { key, encoding, bytes });
          expect(p).toBe(oracle(key, id, encoding, bytes));
          expect(p).toHaveLength(encoding === 'hex' ? 2 * bytes : Math.ceil((4 * bytes) / 3));
        },
      ),
      PROPS,
    );
  });

  it('for batches mixing short, long and non-ASCII ids (scratch buffers reused correctly)', () => {
    fc.assert(
      fc.property(fc.array(ids, { maxLength: 20 }), keys, (batch, key) => {
        expect(pseudonymize(batch, { key })).toEqual(batch.map((id) => oracle(key, id)));
      }),
      PROPS,
    );
  });

  it('for long ids (many blocks) and a key longer than one block', () => {
    const key = pattern(200);
    const long = ['x'.repeat(1000), 'é'.repeat(500), '😀'.repeat(300), 'a'];
    expect(pseudonymize(long, { key })).toEqual(long.map((id) => oracle(key, id)));
  });
});

describe('pseudonymize properties', () => {
  it('is deterministic: same key, same pseudonyms, across calls and positions', () => {
    fc.assert(
      fc.property(fc.array(ids, { minLength: 1, maxLength: 10 }), keys, (batch, key) => {
        const all = pseudonymize(batch, { key });
        expect(pseudonymize(batch, { key })).toEqual(all);
        expect(batch.map((id) => pseudonymize([id], { key })[0])).toEqual(all);
      }),
      PROPS,
    );
  });

  it('gives unrelated pseudonyms under different keys', () => {
    fc.assert(
      fc.property(ids, keys, keys, (id, k1, k2) => {
        fc.pre(Buffer.compare(Buffer.from(k1), Buffer.from(k2)) !== 0);
        expect(pseudonymize([id], { key: k1 })).not.toEqual(pseudonymize([id], { key: k2 }));
      }),
      PROPS,
    );
  });

  it('gives a number id the pseudonym of its String() form', () => {
    const numbers = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(-0));
    fc.assert(
      fc.property(numbers, keys, (x, key) => {
        expect(pseudonymize([x], { key })).toEqual(pseudonymize([String(x)], { key }));
        expect(pseudonymize([x], { key })).toEqual([oracle(key, String(x))]);
      }),
      PROPS,
    );
  });

  it('treats a string key as its UTF-8 bytes', () => {
    const key = 'ключ-на-кириллице-длиннее-32-байт';
    expect(pseudonymize(['a', 'b'], { key })).toEqual(pseudonymize(['a', 'b'], { key: utf8(key) }));
  });

  it('accepts array-likes and returns [] for no ids', () => {
    expect(pseudonymize({ length: 2, 0: 'a', 1: 7 }, { key: KEY })).toEqual([oracle(KEY, 'a'), oracle(KEY, '7')]);
    expect(pseudonymize(new Float64Array([1.5, 2]), { key: KEY })).toEqual([oracle(KEY, '1.5'), oracle(KEY, '2')]);
    expect(pseudonymize([], { key: KEY })).toEqual([]);
  });

  it('matches the values in its TSDoc example', () => {
    const key = 'an example key of at least 32 bytes; use random bytes';
    expect(pseudonymize(['customer-1', 42, '42'], { key })).toEqual([
      '058e3ca0535e6ee5d561f8c1114a6c3febd02aebdafa6eef520ac25067b2f05b',
      'd4485d947e43671bb5d26b3784afc24ab43716357e47073913496a4dd2ed19d5',
      'd4485d947e43671bb5d26b3784afc24ab43716357e47073913496a4dd2ed19d5',
    ]);
    expect(pseudonymize(['customer-1'], { key, encoding: 'base64url', bytes: 16 })).toEqual(['BY48oFNebuXVYfjBEUpsPw']);
  });

  it('does not modify a Uint8Array key', () => {
    const key = pattern(32);
    pseudonymize(['a'], { key });
    expect(key).toEqual(pattern(32));
  });
});

/** Runs `f`, expects an InvalidInputError, and returns it. */
function invalid(f: () => unknown): InvalidInputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    const e = err as InvalidInputError;
    expect(e.code).toBe('INVALID_INPUT');
    return e;
  }
  throw new Error('expected an InvalidInputError');
}

/** Calls pseudonymize with options the types forbid, as a JavaScript caller could. */
const loose = (list: unknown, options: unknown): string[] =>
  pseudonymize(list as ArrayLike<string>, options as PseudonymizeOptions);

describe('pseudonymize errors', () => {
  it('rejects a missing key, naming the fix', () => {
    const e = invalid(() => loose(['a'], {}));
    expect(e.issues).toEqual([{ path: 'options.key', message: expect.stringContaining('got undefined') as unknown }]);
    expect(e.message).toContain('crypto.getRandomValues(new Uint8Array(32))');
  });

  it('rejects missing or non-object options', () => {
    for (const options of [undefined, null, 'k'.repeat(40)]) {
      const e = invalid(() => loose(['a'], options));
      expect(e.issues.map((i) => i.path)).toEqual(['options']);
    }
  });

  it('rejects a key that is neither a string nor a Uint8Array', () => {
    for (const key of [null, 12345, [1, 2, 3], new ArrayBuffer(32)]) {
      const e = invalid(() => loose(['a'], { key }));
      expect(e.issues).toHaveLength(1);
      expect(e.issues.at(0)?.path).toBe('options.key');
      expect(e.issues.at(0)?.row).toBeUndefined();
    }
  });

  it('rejects keys shorter than 32 bytes, saying how many bytes arrived', () => {
    const short: readonly [string | Uint8Array, string][] = [
      ['', 'got 0 bytes (UTF-8)'],
      ['tiny', 'got 4 bytes (UTF-8)'],
      ['é'.repeat(15), 'got 30 bytes (UTF-8)'],
      [new Uint8Array(31), 'got 31 bytes;'],
      [new Uint8Array(1), 'got 1 byte;'],
    ];
    for (const [key, says] of short) {
      const e = invalid(() => pseudonymize(['a'], { key }));
      expect(e.issues).toHaveLength(1);
      expect(e.issues.at(0)?.path).toBe('options.key');
      expect(e.issues.at(0)?.message).toContain(says);
      expect(e.issues.at(0)?.message).toContain('at least 32 bytes');
      expect(e.issues.at(0)?.message).toContain('crypto.getRandomValues(new Uint8Array(32))');
    }
    // Boundary: 32 bytes is enough, counted in UTF-8 bytes, not characters.
    expect(pseudonymize(['a'], { key: new Uint8Array(32) })).toHaveLength(1);
    expect(pseudonymize(['a'], { key: 'é'.repeat(16) })).toEqual([oracle('é'.repeat(16), 'a')]);
  });

  it('never echoes the key in the message', () => {
    const e = invalid(() => pseudonymize(['a'], { key: 'hunter2-secret' }));
    expect(e.message).not.toContain('hunter2');
  });

  it('rejects bytes outside 16..32 or not an integer', () => {
    for (const bytes of [15, 33, 0, -16, 16.5, Number.NaN, Number.POSITIVE_INFINITY, '16', null]) {
      const e = invalid(() => loose(['a'], { key: KEY, bytes }));
      expect(e.issues).toHaveLength(1);
      expect(e.issues.at(0)?.path).toBe('options.bytes');
      expect(e.issues.at(0)?.row).toBeUndefined();
      expect(e.issues.at(0)?.message).toContain('16 to 32');
    }
    expect(pseudonymize(['a'], { key: KEY, bytes: 16 })[0]).toHaveLength(32);
    expect(pseudonymize(['a'], { key: KEY, bytes: 32 })[0]).toHaveLength(64);
  });

  it('rejects an unknown encoding', () => {
    for (const encoding of ['base64', 'HEX', '', 16, null]) {
      const e = invalid(() => loose(['a'], { key: KEY, encoding }));
      expect(e.issues).toHaveLength(1);
      expect(e.issues.at(0)?.path).toBe('options.encoding');
      expect(e.issues.at(0)?.message).toContain("expected 'hex' or 'base64url'");
    }
  });

  it('collects every bad id with its row, and returns nothing', () => {
    const list: unknown[] = [
      'ok',
      null,
      undefined,
      '',
      7,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      {},
      true,
      10n,
      ['a'],
      new Date(0),
      Symbol('s'),
      new String('boxed'),
      'also ok',
    ];
    const e = invalid(() => loose(list, { key: KEY }));
    const bad = [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
    expect(e.issueCount).toBe(bad.length);
    expect(e.issues.map((i) => i.path)).toEqual(bad.map(() => 'ids'));
    expect(e.issues.map((i) => i.row)).toEqual(bad);
    expect(e.issues.at(0)?.message).toBe('expected a non-empty string or a finite number, got null');
    expect(e.issues.at(2)?.message).toContain('got an empty string');
    expect(e.issues.at(3)?.message).toContain('got NaN');
    expect(e.issues.at(4)?.message).toContain('got Infinity');
  });

  it('rejects holes in a sparse array', () => {
    const list = ['a', 'b', 'c'];
    // eslint-disable-next-line @typescript-eslint/no-array-delete -- making a hole on purpose
    delete list[1];
    const e = invalid(() => pseudonymize(list, { key: KEY }));
    expect(e.issues).toEqual([{ path: 'ids', row: 1, message: expect.stringContaining('got undefined') as unknown }]);
  });

  it('counts every bad row but keeps the first MAX_ISSUES', () => {
    const list = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `id-${i}` : null));
    const e = invalid(() => loose(list, { key: KEY }));
    expect(e.issueCount).toBe(200);
    expect(e.issues).toHaveLength(MAX_ISSUES);
    expect(e.issues[0]).toMatchObject({ path: 'ids', row: 1 });
  });

  it('reports option and id problems together', () => {
    const e = invalid(() => loose(['a', null], { key: 'short', encoding: 'b64', bytes: 8 }));
    expect(e.issues.map((i) => [i.path, i.row])).toEqual([
      ['options.key', undefined],
      ['options.encoding', undefined],
      ['options.bytes', undefined],
      ['ids', 1],
    ]);
  });

  it('rejects ids that are not an array', () => {
    for (const list of ['customer-1', null, undefined, 42, {}, { length: -1 }, { length: 1.5 }]) {
      const e = invalid(() => loose(list, { key: KEY }));
      expect(e.issues).toHaveLength(1);
      expect(e.issues.at(0)?.path).toBe('ids');
      expect(e.issues.at(0)?.row).toBeUndefined();
    }
    expect(invalid(() => loose('customer-1', { key: KEY })).issues.at(0)?.message).toContain('single string');
  });

  it('never echoes id values in the message', () => {
    const e = invalid(() => loose(['jane.doe@example.com', ''], { key: KEY }));
    expect(e.message).not.toContain('jane');
  });
});
