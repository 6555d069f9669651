// Threatboard's own lint rules: folder directions as errors (see docs/ARCHITECTURE.md, Layering).
import importBoundaries from './import-boundaries.js';
import serverLayers from './server-layers.js';

export { kitAliases } from './import-target.js';

export default {
	meta: { name: 'threatboard' },
	rules: { 'import-boundaries': importBoundaries, 'server-layers': serverLayers }
};
