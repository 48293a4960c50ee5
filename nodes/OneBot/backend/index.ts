export * from './data';
export * from './detect';
export * from './fitCall';
export { fitMessage } from './segments';
