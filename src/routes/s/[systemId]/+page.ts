/** The system page runs in the browser only: its owner key lives in the URL fragment and localStorage. */
import type { PageLoad } from './$types';

export const ssr = false;
export const prerender = false;

export const load: PageLoad = ({ params }) => ({ id: params.systemId });
