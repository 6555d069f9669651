/** Hand-encoded y-websocket frames, for tests that speak the protocol without a provider. */
import { encodeAwarenessMessage, encodeSyncMessage, type AwarenessWireEntry } from '../../src/lib/shared/messages.ts';
import { SyncStep } from '../../src/lib/shared/protocol.ts';

export const syncFrame = encodeSyncMessage;
export const emptyStep1 = () => encodeSyncMessage(SyncStep.Step1, new Uint8Array([0]));
export const awarenessFrame = (entries: AwarenessWireEntry[]) => encodeAwarenessMessage(entries);
