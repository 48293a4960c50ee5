/**
 * Whether an HTTP client error is axios's refusal of an answer body over its maxContentLength
 * (ERR_BAD_RESPONSE, "maxContentLength size of N exceeded"): the request was carried out, only
 * its answer was not read. `messages`: the error's message and any wrapped ones.
 */
export function isAnswerOverMaxContentLength(code: string | undefined, messages: readonly unknown[]): boolean {
	return code === 'ERR_BAD_RESPONSE' && messages.some((text) => typeof text === 'string' && /maxContentLength/.test(text));
}
