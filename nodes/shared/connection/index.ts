/**
 * Connection-life pieces shared by the OneBot and Heychat triggers:
 *
 * - Backoff: exponential backoff with jitter (1 s → 60 s), reset after a healthy period.
 * - Watchdog: fires when nothing arrived for 2.5 × the heartbeat interval.
 * - ManagedConnection: connect → listen → on drop wait → reconnect, with a closing flag, an abort
 *   signal and a capped close wait; `start()` throws the first connection's error (so the
 *   activation fails with it), `isFatal` errors end in `onFatal` (→ `emitError`), everything else
 *   is retried for ever.
 * - WebSocketLink: a `ws` socket as a Link (frames, optional pings, bounded close, no timer left).
 * - FrameGuard: size bound + JSON parse + shape check; bad frames are skipped with a warning.
 * - BoundedSet, BoundedPairSet: de-duplication memory with a fixed size (keys as strings, or as
 *   (scope, id) pairs of ids as sent, see shared/trigger/ids.ts).
 *
 * A trigger with an application-level ping (e.g. Heychat's `PING` text frame every 30 s answered
 * by `PONG`) wires them like this:
 *
 *   const connection = new ManagedConnection<WebSocketLink>({
 *     source: url, logger: this.logger, tuning,
 *     open: async (signal) => new WebSocketLink(await openSocket(url, signal), {
 *       onFrame: (data) => (isPong(data) ? connection.feed() : handle(guard.accept(data))),
 *       onActivity: () => connection.feed(),
 *     }),
 *     onOpen: (link) => {
 *       connection.heartbeat(30_000);                       // watchdog: 75 s without anything
 *       const timer = setInterval(() => link.send('PING'), 30_000);
 *       return () => clearInterval(timer);                  // runs when that link ends
 *     },
 *     isFatal: (error) => isAuthError(error),
 *     onFatal: (error) => this.emitError(new NodeOperationError(this.getNode(), error.message)),
 *   });
 *   await connection.start();                               // throws → activation fails
 *   return { closeFunction: async () => await connection.close() };
 */
export * from './abort';
export * from './backoff';
export * from './boundedSet';
export * from './frames';
export * from './managedConnection';
export * from './openLink';
export * from './watchdog';
export * from './webSocketLink';
