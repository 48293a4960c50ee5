// int64-safe JSON for the wire (nodes/shared/json.ts): BigInt written as bare numbers, with and
// without the BigInt.prototype.toJSON that n8n-workflow installs, and JSON text parsed without
// losing the digits of big integers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseJsonExact, stringifyWithBigInt } from '../../nodes/shared/json';

const BIG = 7234567890123456789n;

type WithToJSON = { toJSON?: () => string };

/** Runs `fn` with or without n8n's `BigInt.prototype.toJSON`, restoring whatever was there. */
function withBigIntToJSON<T>(installed: boolean, fn: () => T): T {
	const proto = BigInt.prototype as unknown as WithToJSON;
	const had = Object.prototype.hasOwnProperty.call(proto, 'toJSON');
	const previous = proto.toJSON;
	if (installed) {
		proto.toJSON = function (this: bigint) {
			return this.toString();
		};
	} else delete proto.toJSON;
	try {
		return fn();
	} finally {
		if (had) proto.toJSON = previous;
		else delete proto.toJSON;
	}
}

describe('stringifyWithBigInt', () => {
	for (const installed of [false, true]) {
		test(`BigInt values become bare JSON numbers (${installed ? 'with' : 'without'} n8n's BigInt toJSON)`, () => {
			withBigIntToJSON(installed, () => {
				const text = stringifyWithBigInt({ group_id: BIG, list: [1n, -BIG, 3], nested: { id: BIG }, s: 'x', n: 1.5 });
				assert.equal(text, `{"group_id":${BIG},"list":[1,-${BIG},3],"nested":{"id":${BIG}},"s":"x","n":1.5}`);
				assert.equal(stringifyWithBigInt(BIG), String(BIG));
			});
		});
	}

	test('strings that look like the marker or hold control characters are left alone', () => {
		const value = { a: '\u0000bigint:123', b: 'bigint-x:5', c: '"quoted" \\ \n' };
		assert.deepEqual(JSON.parse(stringifyWithBigInt(value)), value);
	});
});

describe('parseJsonExact', () => {
	test('integers beyond 2^53 become BigInt; everything else parses like JSON.parse', () => {
		const text = `{"id": ${BIG}, "neg": -${BIG}, "safe": 9007199254740991, "f": 12345678901234567.5, "e": 1e21, "s": "${BIG} in a \\"string\\"", "arr": [${BIG}, 2]}`;
		assert.deepEqual(parseJsonExact(text), {
			id: BIG,
			neg: -BIG,
			safe: 9007199254740991,
			f: Number("12345678901234567.5"),
			e: 1e21,
			s: `${BIG} in a "string"`,
			arr: [BIG, 2],
		});
	});

	test('round trip keeps the digits', () => {
		const text = `{"a":[${BIG},{"b":-${BIG}}],"c":"d"}`;
		assert.equal(stringifyWithBigInt(parseJsonExact(text)), text);
	});

	test('invalid JSON throws a SyntaxError, with or without big numbers', () => {
		assert.throws(() => parseJsonExact('{"a": 1,'), SyntaxError);
		assert.throws(() => parseJsonExact(`{"a": ${BIG},`), SyntaxError);
		assert.throws(() => parseJsonExact(`{"a": "${BIG}`), SyntaxError);
	});
});
