/**
 * Run-time settings from the server (GET /api/config), remembered for offline visits.
 */
import { ClientConfigResponse } from '#shared/wire/api';
import { CLIENT_CONFIG_KEY as STORAGE_KEY } from '../workshop/storage-keys.ts';

export async function loadClientConfig(fetcher: typeof fetch = fetch): Promise<ClientConfigResponse> {
	try {
		const response = await fetcher('/api/config', { headers: { accept: 'application/json' } });
		if (!response.ok) throw new Error(`GET /api/config: ${response.status}`);
		const config = ClientConfigResponse.parse(await response.json());
		try {
			localStorage.setItem(STORAGE_KEY, JSON.stringify(config));
		} catch {
			// Storage full or disabled: we simply refetch next time.
		}
		return config;
	} catch {
		const saved = ClientConfigResponse.safeParse(safeJson(localStorage.getItem(STORAGE_KEY)));
		return saved.success ? saved.data : { tldrawLicenseKey: null };
	}
}

function safeJson(text: string | null): unknown {
	try {
		return text ? JSON.parse(text) : undefined;
	} catch {
		return undefined;
	}
}

const isLoopback = (hostname: string) =>
	hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);

/**
 * Whether tldraw will blank its canvas here for want of a key: it draws without one only in
 * development, which it recognises as plain http or a loopback host.
 */
export function tldrawWouldRefuse(key: string | undefined, where: Pick<Location, 'protocol' | 'hostname'>): boolean {
	return !key && where.protocol === 'https:' && !isLoopback(where.hostname);
}
