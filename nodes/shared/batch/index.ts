export * from './clock';
export * from './options';
export * from './pacer';
export * from './runner';
export * from './output';
export * from './retry';
