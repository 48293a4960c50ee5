// A key named `__proto__` in data (a Heychat command option, a JSON parameter, a value being
// redacted) must stay a key of the copy. A plain assignment would set the copy's prototype instead:
// the key would vanish from the output, and its fields would show through every lookup on the copy.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { optionsObject } from '../../nodes/Heychat/trigger/events';
import { redactDeep } from '../../nodes/shared/redact';
import { bufferSource } from '../../nodes/shared/upload/binarySource';
import { Base64Value, jsonBody } from '../../nodes/shared/upload/streamedJson';

function assertOwnKey(value: Record<string, unknown>, expected: unknown): void {
	assert.equal(Object.getPrototypeOf(value), Object.prototype, 'the prototype is untouched');
	assert.ok(Object.hasOwn(value, '__proto__'), 'the key is an own property');
	assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, expected);
	assert.equal((value as { polluted?: unknown }).polluted, undefined, 'nothing shows through');
}

describe('keys named __proto__ stay keys', () => {
	test('a Heychat command option named __proto__ (and one nested in a sub-command)', () => {
		const options = JSON.parse('[{"name":"__proto__","value":{"polluted":1}},{"name":"sub","options":[{"name":"__proto__","value":"x"}]}]') as unknown;
		const out = optionsObject(options);
		assertOwnKey(out, { polluted: 1 });
		assertOwnKey(out.sub as Record<string, unknown>, 'x');
		assert.equal(JSON.stringify(out), '{"__proto__":{"polluted":1},"sub":{"__proto__":"x"}}');
	});
	test('redactDeep keeps the key and redacts inside it', () => {
		const value = JSON.parse('{"__proto__":{"polluted":"secret-token-123"}}') as Record<string, unknown>;
		const out = redactDeep(value, ['secret-token-123']);
		assertOwnKey(out, { polluted: '***' });
	});
	test('a JSON body sends the key, also when a file is streamed into it', async () => {
		const value = JSON.parse('{"a":1,"__proto__":{"polluted":1}}') as Record<string, unknown>;
		assert.equal(jsonBody(value), '{"a":1,"__proto__":{"polluted":1}}');
		value.file = new Base64Value('base64://', bufferSource(Buffer.from('hi')));
		const body = jsonBody(value);
		assert.equal(typeof body, 'object');
		let text = '';
		for await (const chunk of (body as Exclude<typeof body, string>).chunks()) text += chunk;
		assert.equal(text, '{"a":1,"__proto__":{"polluted":1},"file":"base64://aGk="}');
	});
});
