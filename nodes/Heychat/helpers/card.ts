import { InputError } from '../../shared/validation';
import { parseJsonLossless } from '../../shared/json';

/**
 * Card messages (msg_type 20): `msg` is the JSON text of {"data": [card, …]}, with at most 3
 * cards of 1 to 10 modules each. Accepted input: that object, an array of cards, or one card.
 * Module types are not restricted (the docs' own example uses module types beyond the listed
 * section/header/images/button-group/divider/countdown).
 */

export const MAX_CARDS = 3;
export const MAX_MODULES = 10;

function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses and checks the card input; returns the `msg` text to send. */
export function cardMessage(field: string, input: unknown): string {
	let value = input;
	if (typeof value === 'string') {
		if (value.trim() === '') throw new InputError(field, `"${field}" is required: the card JSON`);
		let problem: string | undefined;
		try {
			value = parseJsonLossless(value);
		} catch (error) {
			problem = (error as Error).message;
		}
		if (problem !== undefined) throw new InputError(field, `"${field}" must be valid JSON: ${problem}`);
	}
	let cards: unknown[];
	if (Array.isArray(value)) cards = value;
	else if (isObject(value) && Array.isArray(value.data)) cards = value.data;
	else if (isObject(value) && value.type === 'card') cards = [value];
	else {
		throw new InputError(
			field,
			`"${field}" must be {"data": [cards]}, an array of cards, or one card ({"type": "card", "modules": [...]})`,
		);
	}
	if (cards.length === 0 || cards.length > MAX_CARDS) {
		throw new InputError(field, `"${field}" must hold 1 to ${MAX_CARDS} cards, got ${cards.length}`);
	}
	cards.forEach((card, index) => {
		const where = `${field}: card ${index + 1}`;
		if (!isObject(card) || card.type !== 'card') throw new InputError(field, `${where} must be an object with "type": "card"`);
		const modules = card.modules;
		if (!Array.isArray(modules) || modules.length === 0 || modules.length > MAX_MODULES) {
			throw new InputError(field, `${where} must have 1 to ${MAX_MODULES} modules`);
		}
		modules.forEach((module, m) => {
			if (!isObject(module) || typeof module.type !== 'string') {
				throw new InputError(field, `${where}, module ${m + 1} must be an object with a "type"`);
			}
		});
	});
	return JSON.stringify({ data: cards });
}
