/** A short two-note chime when time runs out (opt-in: sound is off unless someone turns it on). */
export function playChime(): void {
	try {
		const audio = new AudioContext();
		const start = audio.currentTime;
		for (const [i, frequency] of [880, 660].entries()) {
			const oscillator = audio.createOscillator();
			const gain = audio.createGain();
			oscillator.frequency.value = frequency;
			gain.gain.setValueAtTime(0.0001, start + i * 0.25);
			gain.gain.exponentialRampToValueAtTime(0.2, start + i * 0.25 + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.25 + 0.4);
			oscillator.connect(gain).connect(audio.destination);
			oscillator.start(start + i * 0.25);
			oscillator.stop(start + i * 0.25 + 0.45);
		}
		setTimeout(() => void audio.close(), 1_000);
	} catch {
		// No audio (blocked or unsupported): the visual signal is there anyway.
	}
}
