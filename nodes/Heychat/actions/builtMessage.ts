/** msg_type values (current docs: 3, 4, 10, 20; type 1 "text" is legacy). */
export const MSG_TYPE = { image: 3, markdown: 4, markdownMentions: 10, card: 20 } as const;

export interface ImageFileInfo {
	url: string;
	width?: number;
	height?: number;
}

/** A message as built from the editor fields, ready to be posted to any destination. */
export interface BuiltMessage {
	msg_type: number;
	msg?: string;
	img?: string;
	addition: string;
	at_user_id?: string;
	at_role_id?: string;
	mention_channel_id?: string;
	/** For the output: the image files the message shows. */
	images: ImageFileInfo[];
}
