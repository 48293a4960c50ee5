// Hand-edited curation for the Heychat catalog. `generate-heychat-catalog.mjs` merges it with the
// reference list of endpoints (../shared/reference/heychat/heychat-endpoints.json) and writes
// nodes/Heychat/catalog/endpoints.json. Everything about the wire (method, host, path, parameter
// names, where they go, required flags, certainty) comes from the reference; this file only adds
// what a user sees (resource, names, descriptions), which parameter is which kind of id, which
// searchable list fills it, and the few places where the node builds a value itself.
//
// Per-operation keys besides names and params: `handler`, `list` (where the answer's list is) and
// `result` ({ key, aliases? }: the answer's object is result[key] or, when the server answers it
// flat, result itself; `aliases` copies a field some servers name differently, e.g. roles ← role).
//
// Per-parameter keys (all optional):
//   type         override the catalog type derived from the reference type
//   required     override the reference's required flag (explained in `why`)
//   locator      searchable list (room, channel, role, roomMember); null removes the default
//   description  replaces the reference description
//   displayName  replaces the name derived from the wire name
//   default      editor default
//   options      for type 'options'
//   handled      true: a hand-written handler builds this value (not shown as a field)
//   generate     'nonce': filled with a random value when the user leaves it out
//   wireDefault  sent when the user leaves the (optional) field out (for a handled field: sent
//                when the handler does not set it)
//   shape        'digits' (a string of decimal digits, e.g. permission bits) or, for json,
//                'array' (a JSON array of objects) / 'object': checked before anything is sent
//   wire         'string': the JSON type on the wire differs from the editor type (a user ID
//                checked as a positive integer, sent as a JSON string)
//   min, max     inclusive bounds the reference documents, checked before anything is sent
//   maxLength    the most characters a string may have (the reference's limit), checked likewise
//   why          a note for maintainers, with its source; not copied into the catalog
//
// The HeyBox.Net SDK (../shared/reference/heychat/heyboxnet-sdk.json, what a working client sends)
// wins over the docs where they differ: every such override says "HBNET" in its `why`. The
// generator checks the result against the SDK for the endpoints the SDK sends (names, query or
// body, JSON types, what is always sent) and fails on any difference not listed in `sdkExtras`.

export const resources = [
	{ value: 'message', name: 'Message', description: 'Channel messages, reactions and private messages' },
	{ value: 'media', name: 'Media', description: 'Upload files to the Heychat CDN' },
	{ value: 'role', name: 'Role', description: 'Room roles and who has them' },
	{ value: 'room', name: 'Room', description: 'Rooms the bot has joined and their members' },
	{ value: 'channel', name: 'Channel', description: 'Text and voice channels of a room' },
	{ value: 'emoji', name: 'Emoji', description: 'Custom emojis and stickers of a room' },
];

/** Which searchable list fills a parameter, by wire name (when its type is an id). */
export const defaultLocators = {
	room_id: 'room',
	channel_id: 'channel',
	origin_channel_id: 'channel',
	role_id: 'role',
	to_user_id: 'roomMember',
};

/** Heybox user ids are JSON numbers below 2^32; these wire names carry one. */
export const userIdNames = ['to_user_id', 'operator'];

const CHANNEL_TYPES = [
	{ name: 'Voice (0)', value: 0 },
	{ name: 'Text (1)', value: 1 },
	{ name: 'Announcement (2)', value: 2 },
	{ name: 'Category (3)', value: 3 },
	{ name: 'Temporary (4)', value: 4 },
	{ name: 'Temporary Channel Manager (5)', value: 5 },
];

const YES_NO = [
	{ name: 'Yes (1)', value: 1 },
	{ name: 'No (0)', value: 0 },
];

const HEYBOX_ID_QUERY = {
	required: false,
	wireDefault: '',
	displayName: 'Heybox ID',
	description: 'The "heybox_id" query parameter (a user ID). Sent empty when left out.',
	why: 'The reference marks it required but no source says what a bot must put there; web clients send it empty.',
};

const MESSAGE_BODY_HANDLED = {
	msg: { handled: true },
	msg_type: { handled: true },
	heychat_ack_id: { handled: true },
	reply_id: { handled: true },
	addition: { handled: true },
	at_user_id: { handled: true },
	at_role_id: { handled: true },
	mention_channel_id: { handled: true },
};

/**
 * HBNET (SendChannelMessageParams: `required uint[] AtUserId` … joined by a converter) sends the
 * three mention lists on every channel send, as "" when empty; the docs mark them optional.
 */
const ALWAYS_SENT_MENTIONS = {
	at_user_id: { handled: true, wireDefault: '', why: 'HBNET sends it on every send ("" when empty).' },
	at_role_id: { handled: true, wireDefault: '', why: 'HBNET sends it on every send ("" when empty).' },
	mention_channel_id: { handled: true, wireDefault: '', why: 'HBNET sends it on every send ("" when empty).' },
};

/**
 * The answer of create/update role is UNCERTAIN (heychat-api.md §3.3): CS and CJSAH read
 * `result.role`, HBNET reads the role as `result` itself. Both give the role as the output item.
 */
const ROLE_ANSWER = { key: 'role', why: 'result.role (CS, CJSAH) or result (HBNET): both accepted.' };

/** Grant/revoke: HBNET AddOrRemoveRoleParams writes `to_user_id` with JsonNumberHandling.WriteAsString. */
const USER_ID_AS_STRING = {
	displayName: 'User',
	wire: 'string',
	description: 'Heybox user ID of the member (digits); sent as a JSON string, as the HeyBox.Net SDK does',
	why: 'HBNET AddOrRemoveRoleParams.cs: [JsonNumberHandling(WriteAsString)] ulong UserId; the docs example sends a number.',
};

/**
 * What the node sends beyond the SDK's names, per operation, with the source that documents it.
 * The generator refuses any other name the SDK does not send.
 */
export const sdkExtras = {
	send_channel_message: {
		img: 'DOC-GH image example and KOISHI message.ts: the documented image URL field of msg_type 3 (sent beside msg, which HBNET fills with the same URL)',
	},
	send_private_message: {
		img: 'APIFOX 5722305m0 example {"msg_type":3,"img":…}: the documented image URL field (sent beside msg, which HBNET fills with the same URL)',
	},
	update_room_role: {
		position: 'APIFOX api-220893910 documents it; HBNET never sends it, so the node sends it only when the user gives one',
	},
};

/** One entry per bot endpoint of the reference, keyed by its `name`. */
export const operations = {
	// ---------------------------------------------------------------- Message
	send_channel_message: {
		resource: 'message',
		name: 'Send Channel Message',
		action: 'Send a message to a channel',
		description: 'Send text, markdown (with mentions), an image or a card to a channel, optionally as a reply',
		handler: 'sendChannelMessage',
		params: {
			...MESSAGE_BODY_HANDLED,
			...ALWAYS_SENT_MENTIONS,
			img: { handled: true },
			channel_type: { handled: true, why: 'Always 1 (text channel); overridable in the node options.' },
		},
	},
	update_channel_message: {
		resource: 'message',
		name: 'Update',
		action: 'Update a channel message',
		description: 'Replace the content of a message the bot sent',
		handler: 'updateChannelMessage',
		params: {
			...MESSAGE_BODY_HANDLED,
			msg_id: { displayName: 'Message ID', description: 'The msg_id of the message to edit' },
		},
	},
	delete_channel_message: {
		resource: 'message',
		name: 'Delete',
		action: 'Delete a channel message',
		description: 'Delete (recall) a channel message',
		params: { msg_id: { displayName: 'Message ID' } },
	},
	set_message_reaction: {
		resource: 'message',
		name: 'React',
		action: 'Add or remove a reaction on a message',
		description: 'Add or remove an emoji reaction on a channel message',
		params: {
			msg_id: { displayName: 'Message ID' },
			emoji: {
				description:
					'A built-in emoji such as [cube_doge], or a room emoji [custom<room_id>_<path>.<ext>] (see Emoji > Get Many)',
			},
			is_add: {
				type: 'options',
				displayName: 'Add or Remove',
				options: [
					{ name: 'Add', value: 1 },
					{ name: 'Remove', value: 0 },
				],
				default: 1,
			},
		},
	},
	send_private_message: {
		resource: 'message',
		name: 'Send Private Message',
		action: 'Send a private message to a user',
		description:
			'Send text, markdown or an image to a user who shares a room with the bot (at most 3 messages before the user replies, 9 per minute)',
		handler: 'sendPrivateMessage',
		params: {
			to_user_id: { locator: null, displayName: 'User ID', description: 'Heybox user ID of the recipient' },
			msg: { handled: true },
			msg_type: { handled: true },
			img: { handled: true },
			heychat_ack_id: { handled: true },
			addition: { handled: true },
		},
	},

	// ---------------------------------------------------------------- Media
	upload_media: {
		resource: 'media',
		name: 'Upload',
		action: 'Upload a file',
		description: 'Upload a binary file (for example an image) and get its CDN URL',
		handler: 'uploadMedia',
		params: { file: { handled: true } },
	},

	// ---------------------------------------------------------------- Role
	list_room_roles: {
		resource: 'role',
		name: 'Get Many',
		action: 'Get many roles',
		description: 'List the roles of a room',
		list: 'roles',
		params: {},
	},
	create_room_role: {
		resource: 'role',
		name: 'Create',
		action: 'Create a role',
		description: 'Create a custom role in a room (needs the admin or manage-roles permission)',
		result: ROLE_ANSWER,
		params: {
			permissions: {
				description: 'Permission bits as a decimal string, e.g. 16384 (send messages) or 0',
				default: '0',
				shape: 'digits',
				why: 'heychat-api.md §8.1: permissions, allow and deny are decimal strings (bitfields beyond 2^32).',
			},
			type: { description: 'Role type; bots may only create custom roles (0)', default: 0 },
			hoist: {
				type: 'options',
				options: YES_NO,
				default: 0,
				description: 'Whether members with this role are shown separately',
			},
			color: { description: 'Decimal RGB, e.g. 16711680 for red' },
			color_list: {
				type: 'idList',
				description: 'Gradient: the start and end colours as decimal RGB numbers, e.g. 16711680, 255',
				why: 'HBNET GradientColorConverter writes [start, end].',
			},
			nonce: {
				required: false,
				generate: 'nonce',
				description: 'Anti-duplicate value; a random one is generated when left out',
			},
		},
	},
	update_room_role: {
		resource: 'role',
		name: 'Update',
		action: 'Update a role',
		description: 'Update a role; the server replaces every field, so give the current values of those you keep',
		result: ROLE_ANSWER,
		params: {
			id: { locator: 'role', displayName: 'Role', type: 'stringId' },
			position: {
				required: false,
				description: 'Sort position of the role; left out, it is not sent (the server keeps it)',
				why: 'APIFOX marks it required; HBNET ModifyRoomRoleParams has no position at all.',
			},
			permissions: { description: 'Permission bits as a decimal string', default: '0', shape: 'digits' },
			type: { description: 'Role type (0 = custom)', default: 0 },
			hoist: {
				type: 'options',
				options: YES_NO,
				default: 0,
				description: 'Whether members with this role are shown separately',
			},
			color: {
				required: false,
				description: 'Decimal RGB, e.g. 16711680 for red; left out, it is not sent',
				why: 'APIFOX marks it required; HBNET CreateRoomRoleParams.Color is optional (Color?).',
			},
			icon: {
				required: false,
				wireDefault: '',
				description: 'Icon URL; sent empty when left out',
				why: 'Marked required, but an empty icon is a legitimate value.',
			},
			color_list: {
				type: 'idList',
				required: false,
				wireDefault: [],
				description: 'Gradient: the start and end colours as decimal RGB numbers; sent as [] when left out',
				why: 'Marked required, but most rooms do not use gradients.',
			},
			nonce: {
				required: false,
				generate: 'nonce',
				description: 'Anti-duplicate value; a random one is generated when left out',
			},
		},
	},
	delete_room_role: {
		resource: 'role',
		name: 'Delete',
		action: 'Delete a role',
		description: 'Delete a role from a room',
		params: { role_id: { displayName: 'Role' } },
	},
	grant_room_role: {
		resource: 'role',
		name: 'Grant',
		action: 'Grant a role to a user',
		description: 'Give a member a role',
		result: {
			key: 'user',
			aliases: { roles: 'role' },
			why: 'UNCERTAIN in heychat-api.md §3.3: CS reads result.user.roles, HBNET AddRoleResponse reads result.user.role; both give "roles".',
		},
		params: { role_id: { displayName: 'Role' }, to_user_id: USER_ID_AS_STRING },
	},
	revoke_room_role: {
		resource: 'role',
		name: 'Revoke',
		action: 'Revoke a role from a user',
		description: 'Take a role away from a member',
		params: { role_id: { displayName: 'Role' }, to_user_id: USER_ID_AS_STRING },
	},

	// ---------------------------------------------------------------- Room
	list_joined_rooms: {
		resource: 'room',
		name: 'Get Many',
		action: 'Get many rooms',
		description: 'List the rooms the bot has joined',
		list: 'rooms',
		params: {
			offset: {
				default: 0,
				wireDefault: 0,
				description: 'Sent as 0 when left out',
				why: 'HBNET GetJoinedRoomsAsync always sends offset and limit.',
			},
			limit: {
				default: 50,
				wireDefault: 50,
				min: 1,
				max: 50,
				description: 'At most 50; 50 when left out',
				why: 'HBNET GetJoinedRoomsAsync always sends offset and limit. Max 50: heychat-api §3.5.',
			},
		},
	},
	get_room: {
		resource: 'room',
		name: 'Get',
		action: 'Get a room',
		description: 'Get a room with its channels',
		params: { room_id: { displayName: 'Room' } },
	},
	list_room_users: {
		resource: 'room',
		name: 'Get Members',
		action: 'Get many members of a room',
		description: 'List the members of a room',
		list: 'room_info.user_info',
		params: {
			room_id: { displayName: 'Room' },
			offset: { required: false, default: 0, wireDefault: 0, description: 'Sent as 0 when left out' },
			limit: { required: false, default: 100, wireDefault: 100, min: 1, max: 300, description: 'At most 300; 100 when left out', why: 'Max 300: heychat-api §3.5.' },
			heybox_id: HEYBOX_ID_QUERY,
		},
	},
	set_room_nickname: {
		resource: 'room',
		name: 'Set Nickname',
		action: 'Set a nickname in a room',
		description: "Set a member's nickname in a room (the bot's own user ID renames the bot)",
		params: {
			to_user_id: { displayName: 'User' },
			nickname: {
				required: false,
				wireDefault: '',
				maxLength: 20,
				description: 'At most 20 characters; left out or empty clears the nickname',
				why: 'An empty nickname is meaningful (it clears), so it cannot be a required field. At most 20 characters: heychat-api §3.5 (APIFOX 5650569m0).',
			},
		},
	},
	leave_room: {
		resource: 'room',
		name: 'Leave',
		action: 'Leave a room',
		description: 'Make the bot leave a room',
		params: { room_id: { displayName: 'Room' } },
	},
	kick_room_member: {
		resource: 'room',
		name: 'Kick Member',
		action: 'Kick a member from a room',
		description: 'Kick a member out of a room',
		params: {
			to_user_id: {
				type: 'id',
				wire: 'string',
				displayName: 'User',
				why: 'The reference declares this one as a string (SATORI/ONEBOTS from APIFOX), unlike every other user id; checked as a user ID, sent as a string of digits.',
			},
		},
	},
	set_room_ban: {
		resource: 'room',
		name: 'Ban Member',
		action: 'Ban or unban a member',
		description: 'Stop a member from speaking for a duration (禁言); a duration of 0 lifts it',
		params: {
			to_user_id: { displayName: 'User' },
			duration: { type: 'duration', displayName: 'Duration (Seconds)', description: '0 lifts the ban', default: 3600 },
			reason: {
				required: false,
				wireDefault: '',
				description: 'Shown in the audit log; sent empty when left out',
			},
		},
	},
	toggle_room_microphone: {
		resource: 'room',
		name: 'Mute Microphone',
		action: 'Mute or unmute a member microphone',
		description: "Mute or unmute a member's microphone in the whole room",
		params: { to_user_id: { displayName: 'User' }, mute: { default: true } },
	},
	toggle_room_speaker: {
		resource: 'room',
		name: 'Mute Speaker',
		action: 'Mute or unmute a member speaker',
		description: "Mute or unmute a member's speaker (earphones) in the whole room",
		params: { to_user_id: { displayName: 'User' }, mute: { default: true } },
	},

	// ---------------------------------------------------------------- Channel
	create_channel: {
		resource: 'channel',
		name: 'Create',
		action: 'Create a channel',
		description: 'Create a channel in a room',
		params: {
			channel_type: { type: 'options', options: CHANNEL_TYPES, default: 1 },
			api_type: {
				type: 'options',
				displayName: 'Voice API Type',
				options: [
					{ name: 'TRTC', value: 'trtc' },
					{ name: 'Volcengine', value: 'volc' },
				],
				default: 'trtc',
				description: 'Voice backend of the channel',
			},
			parent_id: { locator: 'channel', displayName: 'Parent Category', description: 'Category channel to create it in' },
			nonce: { description: 'Anti-duplicate value' },
		},
	},
	delete_channel: {
		resource: 'channel',
		name: 'Delete',
		action: 'Delete a channel',
		description: 'Delete a channel from a room',
		params: {},
	},
	rename_channel: {
		resource: 'channel',
		name: 'Rename',
		action: 'Rename a channel',
		description: 'Change the name of a channel',
		params: { channel_type: { type: 'options', options: CHANNEL_TYPES, default: 1 } },
	},
	update_channel_settings: {
		resource: 'channel',
		name: 'Update Settings',
		action: 'Update a channel setting',
		description: 'Change slow mode, the member limit or privacy of a channel',
		params: {
			setting: {
				type: 'options',
				options: [
					{ name: 'Slow Mode (Seconds)', value: 'slow_mode' },
					{ name: 'Max Members', value: 'max_count' },
					{ name: 'Private (1 or 0)', value: 'is_private' },
				],
				default: 'slow_mode',
			},
			value: { description: 'The new value of the setting' },
			channel_type: { type: 'options', options: CHANNEL_TYPES, default: 1 },
		},
	},
	set_channel_password: {
		resource: 'channel',
		name: 'Set Password',
		action: 'Set a channel password',
		description: 'Set or clear the password of a channel',
		params: {
			password: {
				required: false,
				wireDefault: '',
				description: 'Left out or empty removes the password',
				why: 'An empty password is meaningful (it removes it).',
			},
		},
	},
	get_channel_permissions: {
		resource: 'channel',
		name: 'Get Permissions',
		action: 'Get the permissions of a user in a channel',
		description: "Get a user's permissions in a channel",
		params: {
			to_user_id: { type: 'id', locator: null, displayName: 'User ID', why: 'A query value (text on the wire); checked as a user ID.' },
			channel_id: {
				locator: null,
				displayName: 'Channel ID',
				why: 'The endpoint has no room: the channel list is read from the selected room, so it could only say "Select a room first".',
			},
			parent_id: { displayName: 'Parent ID', description: 'The category the channel is in' },
		},
	},
	set_channel_permission: {
		resource: 'channel',
		name: 'Set Permissions',
		action: 'Set the permissions of a channel',
		description: 'Override role and user permissions on a channel',
		params: {
			heybox_id: HEYBOX_ID_QUERY,
			roles: {
				default: '[]',
				shape: 'array',
				description:
					'JSON array of {"role_id": "…", "allow": "<bits>", "deny": "<bits>", "channel_type": 1}; IDs and bits as strings',
			},
			users: {
				default: '[]',
				shape: 'array',
				description: 'JSON array of {"to_user_id": 12345678, "allow": "<bits>", "deny": "<bits>"}',
			},
		},
	},
	create_channel_invite: {
		resource: 'channel',
		name: 'Create Invite',
		action: 'Create an invite link',
		description: 'Create an invite code for a channel (needs the create-invite permission)',
		params: {
			user_id: {
				type: 'stringId',
				displayName: 'Bot User ID',
				description: "The bot's own Heybox user ID",
			},
		},
	},
	move_voice_member: {
		resource: 'channel',
		name: 'Move Voice Members',
		action: 'Move members to another voice channel',
		description: 'Move members from one voice channel to another',
		params: {
			origin_channel_id: { displayName: 'From Channel' },
			channel_id: { displayName: 'To Channel' },
			to_user_ids: { type: 'idList', displayName: 'User IDs', description: 'Heybox user IDs to move' },
		},
	},
	kick_voice_member: {
		resource: 'channel',
		name: 'Kick Voice Member',
		action: 'Kick a member from a voice channel',
		description: 'Kick a member out of a voice channel',
		params: {
			to_user_id: { displayName: 'User' },
			room_id: { required: true, why: 'The query parameters name the channel; without them nothing is kicked.' },
			channel_id: { required: true },
			heybox_id: { displayName: 'Heybox ID', description: 'The "heybox_id" query parameter (a user ID)' },
		},
	},
	toggle_channel_microphone: {
		resource: 'channel',
		name: 'Toggle Voice Mute',
		action: 'Toggle the mute of a member in a voice channel',
		description: 'Mute a member in a voice channel, or unmute them if they are muted',
		params: { to_user_id: { displayName: 'User' } },
	},
	get_user_voice_channel: {
		resource: 'channel',
		name: 'Get User Channel',
		action: 'Get the channel a user is in',
		description: 'Find the voice channel a member is in',
		params: {
			to_user_id: { type: 'id', displayName: 'User', why: 'A query value (text on the wire); checked as a user ID.' },
			must_audio: { description: 'Whether to only look at voice channels' },
		},
	},
	list_voice_channel_members: {
		resource: 'channel',
		name: 'Get Voice Members',
		action: 'Get members of a voice channel',
		description: 'List the members online in a voice channel',
		params: { heybox_id: HEYBOX_ID_QUERY },
	},
	start_voice_stream: {
		resource: 'channel',
		name: 'Start Stream',
		action: 'Start streaming audio into a voice channel',
		description: 'Play an online audio stream in a voice channel',
		params: {
			operator: { locator: 'roomMember', displayName: 'Operator', description: 'Heybox user ID of the member who operates the stream' },
			volume: { default: 100, min: 0, max: 100, why: 'heychat-api §3.7: volume 0-100.' },
			repeat_num: { displayName: 'Repeat Count', default: 1, min: -1, max: 1000, description: '-1 loops; 1 to 1000 plays that many times', why: 'heychat-api §3.7: repeat_num [-1,1000].' },
			max_duration: { displayName: 'Max Duration (Minutes)', default: 60, min: 1, max: 10080, description: '1 to 10080; only with Repeat Count -1', why: 'heychat-api §3.7: max_duration [1,10080] minutes.' },
			seek_second: { displayName: 'Start At (Seconds)', min: 0 },
		},
	},
	stop_voice_stream: {
		resource: 'channel',
		name: 'Stop Stream',
		action: 'Stop a stream',
		description: 'Stop a stream started with Start Stream',
		params: { task_id: { type: 'stringId', displayName: 'Task ID', description: 'The task_id Start Stream returned' } },
	},

	// ---------------------------------------------------------------- Emoji
	list_room_memes: {
		resource: 'emoji',
		name: 'Get Many',
		action: 'Get many emojis',
		description: 'List the custom emojis and stickers of a room',
		params: {},
	},
	update_room_meme: {
		resource: 'emoji',
		name: 'Update',
		action: 'Update an emoji',
		description: 'Rename a custom emoji or sticker (needs the manage-emoji permission)',
		params: {
			path: { description: 'The emoji path from Emoji > Get Many (meme_info.path)' },
			name: { description: 'The new name' },
		},
	},
	delete_room_meme: {
		resource: 'emoji',
		name: 'Delete',
		action: 'Delete an emoji',
		description: 'Delete a custom emoji or sticker (needs the manage-emoji permission)',
		params: { path: { description: 'The emoji path from Emoji > Get Many (meme_info.path)' } },
	},
};
