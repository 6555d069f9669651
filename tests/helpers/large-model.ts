/**
 * A large Threat Dragon v2 model for the import's performance guard and bench: `diagrams`
 * diagrams, each a grid of `perDiagram` elements (actors, processes, stores) in trust boundaries,
 * a flow from each element to the next, and `threatsPerElement` threats with their own mitigation
 * on every element. Cells carry Threat Dragon's ports, as its own files do. With the defaults,
 * indented as Threat Dragon saves it, it is about 7 MB: near the 8 MiB import limit.
 */
export interface LargeModelOptions {
	diagrams?: number;
	perDiagram?: number;
	threatsPerElement?: number;
}

const SHAPES = ['actor', 'process', 'store'] as const;
const TYPES = { actor: 'tm.Actor', process: 'tm.Process', store: 'tm.Store' } as const;

function ports(id: string) {
	const circle = { r: 4, magnet: true, stroke: '#5F95FF', strokeWidth: 1, fill: '#fff', style: { visibility: 'hidden' } };
	const sides = ['top', 'right', 'bottom', 'left'];
	return {
		groups: Object.fromEntries(sides.map((side) => [side, { position: side, attrs: { circle } }])),
		items: sides.map((side) => ({ group: side, id: `${id}-${side}-0000-0000-000000000000` }))
	};
}

export function largeThreatDragonModel(options: LargeModelOptions = {}): unknown {
	const { diagrams = 4, perDiagram = 300, threatsPerElement = 2 } = options;
	const columns = Math.ceil(Math.sqrt(perDiagram));
	return {
		version: '2.3.0',
		summary: { title: 'Large generated model', owner: 'Bench', description: 'A generated model near the import size limit.', id: 0 },
		detail: {
			contributors: [{ name: 'Bench' }],
			reviewer: '',
			diagramTop: diagrams,
			threatTop: diagrams * perDiagram * threatsPerElement,
			diagrams: Array.from({ length: diagrams }, (_, d) => {
				const cells: unknown[] = [];
				for (let b = 0; b < 20; b++) {
					cells.push({
						position: { x: (b % 5) * columns * 44, y: Math.floor(b / 5) * columns * 44 },
						size: { width: columns * 40, height: columns * 40 },
						attrs: { label: { text: `Zone ${d}.${b}` } },
						visible: true,
						shape: 'trust-boundary-box',
						zIndex: -1,
						id: `d${d}-zone-${b}`,
						data: { type: 'tm.BoundaryBox', name: `Zone ${d}.${b}`, description: '', isTrustBoundary: true, hasOpenThreats: false }
					});
				}
				for (let i = 0; i < perDiagram; i++) {
					const shape = SHAPES[i % 3];
					const id = `d${d}-e${i}`;
					cells.push({
						position: { x: (i % columns) * 220, y: Math.floor(i / columns) * 180 },
						size: { width: 160, height: 80 },
						attrs: { text: { text: `Element ${d}.${i}` }, body: { stroke: 'red', strokeWidth: 2.5, strokeDasharray: null } },
						visible: true,
						shape,
						zIndex: i + 1,
						ports: ports(id),
						id,
						data: {
							name: `Element ${d}.${i}`,
							description: '',
							type: TYPES[shape],
							outOfScope: false,
							reasonOutOfScope: '',
							hasOpenThreats: true,
							threats: Array.from({ length: threatsPerElement }, (_, t) => ({
								id: `${id}-t${t}`,
								title: `Threat ${t} against element ${d}.${i}`,
								status: t % 2 ? 'Mitigated' : 'Open',
								severity: ['Low', 'Medium', 'High', 'Critical'][(i + t) % 4],
								type: ['Spoofing', 'Tampering', 'Repudiation', 'Information disclosure', 'Denial of service', 'Elevation of privilege'][(i + t) % 6],
								description: `An attacker could abuse element ${d}.${i} in way ${t}, reaching data it should not see and changing what it should not change.`,
								mitigation: `Mitigation ${t} for element ${d}.${i}: validate every input, authenticate every caller and log every refusal.`,
								modelType: 'STRIDE',
								number: i * threatsPerElement + t
							}))
						}
					});
				}
				for (let i = 0; i + 1 < perDiagram; i++) {
					cells.push({
						shape: 'flow',
						attrs: { line: { stroke: '#333333', targetMarker: { name: 'block' }, sourceMarker: { name: '' }, strokeDasharray: null } },
						width: 200,
						height: 100,
						zIndex: 10,
						labels: [{ attrs: { labelText: { text: `Flow ${d}.${i}` } }, position: 0.5 }],
						connector: 'smooth',
						data: { type: 'tm.Flow', name: `Flow ${d}.${i}`, description: '', isBidirectional: false, isEncrypted: false, isPublicNetwork: false, protocol: '', threats: [], hasOpenThreats: false },
						id: `d${d}-f${i}`,
						source: { cell: `d${d}-e${i}` },
						target: { cell: `d${d}-e${i + 1}` },
						vertices: []
					});
				}
				return { id: d, title: `Diagram ${d}`, diagramType: 'STRIDE', thumbnail: './public/content/images/thumbnail.stride.jpg', version: '2.3.0', cells };
			})
		}
	};
}

/** The model as Threat Dragon writes files: two-space indented JSON. */
export function largeThreatDragonText(options: LargeModelOptions = {}): string {
	return JSON.stringify(largeThreatDragonModel(options), null, 2);
}
