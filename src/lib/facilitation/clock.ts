/**
 * The server's clock as seen from this browser, estimated NTP-style: each sample is one
 * `GET /api/time` round trip; the sample with the shortest round trip bounds the error best
 * (its error is at most half that round trip), so it alone gives the offset.
 */

export interface ClockSample {
	/** Local clock when the request left, ms. */
	sentAt: number;
	/** The server's clock in its answer, ms. */
	serverNow: number;
	/** Local clock when the answer arrived, ms. */
	receivedAt: number;
}

export interface ClockEstimate {
	/** Add to the local clock to get the server's. */
	offsetMs: number;
	/** Round trip of the sample used; the estimate is off by at most half of it. */
	rttMs: number;
}

/** The estimate from the sample with the smallest round trip; undefined without valid samples. */
export function estimateOffset(samples: readonly ClockSample[]): ClockEstimate | undefined {
	let best: ClockEstimate | undefined;
	for (const { sentAt, serverNow, receivedAt } of samples) {
		const rttMs = receivedAt - sentAt;
		if (!Number.isFinite(rttMs) || rttMs < 0 || !Number.isFinite(serverNow)) continue;
		// The server read its clock somewhere in the round trip; the midpoint is the best guess.
		const offsetMs = serverNow - (sentAt + rttMs / 2);
		if (!best || rttMs < best.rttMs) best = { offsetMs, rttMs };
	}
	return best;
}
