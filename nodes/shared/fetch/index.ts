export { nonPublicReason } from './address';
export {
	DEFAULT_MAX_REDIRECTS,
	FetchError,
	formatBytes,
	guardedFetch,
	type FetchFailure,
	type FetchedBody,
	type GuardedFetchOptions,
	type ResolvedAddress,
} from './guardedFetch';
