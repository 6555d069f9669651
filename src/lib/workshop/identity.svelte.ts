/**
 * Who I am on this device: the display name and colour shown to others, remembered in
 * localStorage so that a reload (or the next workshop) does not ask again.
 */
import { DisplayName, HexColor, PRESENCE_COLORS, colorFor, type Person } from '#shared/person';
import { IDENTITY_KEY } from './storage-keys.ts';

/** What this device remembers; either part may be missing or invalid (then it is dropped). */
function readStored(): Partial<Person> {
	try {
		const parsed: unknown = JSON.parse(localStorage.getItem(IDENTITY_KEY) ?? 'null');
		if (typeof parsed !== 'object' || parsed === null) return {};
		const { name, color } = parsed as Record<string, unknown>;
		const validName = DisplayName.safeParse(name);
		const validColor = HexColor.safeParse(color);
		return {
			name: validName.success ? validName.data : undefined,
			color: validColor.success ? validColor.data : undefined
		};
	} catch {
		return {};
	}
}

export class LocalIdentity {
	#name = $state<string | undefined>();
	#color = $state<string>(PRESENCE_COLORS[0]);

	constructor() {
		const stored = readStored();
		this.#name = stored.name;
		// A first-time visitor gets a colour at random, so that a room of newcomers is not all blue.
		this.#color = stored.color ?? colorFor(crypto.getRandomValues(new Uint32Array(1))[0]);
	}

	/** Undefined until the person has chosen a name on this device. */
	get name(): string | undefined {
		return this.#name;
	}

	get color(): string {
		return this.#color;
	}

	/** Forgets the name (the workshop refused it and none was taken before): the next visit asks again. */
	forgetName(): void {
		this.#name = undefined;
		try {
			localStorage.setItem(IDENTITY_KEY, JSON.stringify({ color: this.#color }));
		} catch {
			// Forgotten for this visit.
		}
	}

	/** Validates, stores and applies a new name and colour; returns the problem if the name is invalid. */
	save(name: string, color: string): string | undefined {
		const parsed = DisplayName.safeParse(name);
		if (!parsed.success) return parsed.error.issues[0]?.message ?? 'invalid name';
		this.#name = parsed.data;
		if (HexColor.safeParse(color).success) this.#color = color;
		try {
			const stored: Person = { name: this.#name, color: this.#color };
			localStorage.setItem(IDENTITY_KEY, JSON.stringify(stored));
		} catch {
			// Not remembered, but still used for this visit.
		}
		return undefined;
	}
}
