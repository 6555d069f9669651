/** Sticky colours people can pick (light tints: dark text stays above 4.5:1 on each). */
export const NOTE_COLORS = [
	{ name: 'Yellow', value: '#fde68a' },
	{ name: 'Orange', value: '#fed7aa' },
	{ name: 'Red', value: '#fecaca' },
	{ name: 'Pink', value: '#fbcfe8' },
	{ name: 'Violet', value: '#ddd6fe' },
	{ name: 'Blue', value: '#bfdbfe' },
	{ name: 'Green', value: '#bbf7d0' },
	{ name: 'Grey', value: '#e5e7eb' }
] as const;
