/** The OneBot message module: CQ codes, segment types, the segment builder and the message parameters. */
export * from './cqcode';
export * from './errors';
export * from './segmentTypes';
export * from './segmentBuilder';
export * from './properties';
