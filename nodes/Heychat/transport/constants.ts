/** The credential type every Heychat call authenticates with. */
export const HEYCHAT_CREDENTIAL = 'heychatBotApi';

export const DEFAULT_API_URL = 'https://chat.xiaoheihe.cn';
export const DEFAULT_UPLOAD_URL = 'https://chat-upload.xiaoheihe.cn';
export const DEFAULT_GATEWAY_URL = 'wss://chat.xiaoheihe.cn/chatroom/ws/connect';

/**
 * The seven query parameters the official docs put on every endpoint (upload and the WebSocket
 * gateway included). `chat_version` 1.30.0 is the docs' current default.
 */
export const COMMON_QUERY = {
	client_type: 'heybox_chat',
	x_client_type: 'web',
	os_type: 'web',
	x_os_type: 'bot',
	x_app: 'heybox_chat',
	chat_os_type: 'bot',
	chat_version: '1.30.0',
} as const;

/** Rate limiting: how often and how long a 429 answer is waited out before the call fails. */
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_MAX_WAIT_SECONDS = 60;
/** When a 429 carries no usable header. */
export const FALLBACK_WAIT_MS = 1000;
