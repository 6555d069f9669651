/**
 * Live markers over the diagram, in screen space: each DFD element's kind as a small tag (so a
 * data store never passes for a plain box), and how many threats concern it.
 */
import { useEditor, useValue, type Atom, type TLShape } from 'tldraw';
import { DFD_KIND_LABELS, DFD_META_KEY, isDfdElementKind } from '#shared/canvas/dfd';

const MIN_ZOOM_FOR_KIND_TAGS = 0.75;

interface Badge {
	id: string;
	x: number;
	y: number;
	right: number;
	kind: string | undefined;
	threats: number;
}

export function createElementBadges(threatCounts: Atom<ReadonlyMap<string, number>>) {
	return function ElementBadges() {
		const editor = useEditor();
		const badges = useValue(
			'element badges',
			() => {
				const counts = threatCounts.get();
				// Kind tags are a fixed 11 px: over small shapes (zoomed out) they would hide the diagram.
				const showKinds = editor.getZoomLevel() >= MIN_ZOOM_FOR_KIND_TAGS;
				const out: Badge[] = [];
				for (const shape of editor.getCurrentPageShapes() as TLShape[]) {
					const tag = shape.meta?.[DFD_META_KEY];
					const kind = showKinds && isDfdElementKind(tag) ? DFD_KIND_LABELS[tag] : undefined;
					const threats = counts.get(shape.id) ?? 0;
					if (!kind && !threats) continue;
					const bounds = editor.getShapePageBounds(shape.id);
					if (!bounds) continue;
					const topLeft = editor.pageToViewport({ x: bounds.minX, y: bounds.minY });
					const topRight = editor.pageToViewport({ x: bounds.maxX, y: bounds.minY });
					out.push({ id: shape.id, x: topLeft.x, y: topLeft.y, right: topRight.x, kind, threats });
				}
				return out;
			},
			[editor, threatCounts]
		);
		return (
			<div className="tb-badges" aria-hidden="true">
				{badges.map((badge) => (
					<div key={badge.id}>
						{badge.kind && (
							<span className="tb-kind" style={{ transform: `translate(${badge.x}px, ${badge.y - 18}px)` }}>
								{badge.kind}
							</span>
						)}
						{badge.threats > 0 && (
							<span
								className="tb-threats"
								data-element-id={badge.id}
								title={`${badge.threats} threat${badge.threats === 1 ? '' : 's'}`}
								style={{ transform: `translate(${badge.right - 14}px, ${badge.y - 12}px)` }}
							>
								{badge.threats}
							</span>
						)}
					</div>
				))}
			</div>
		);
	};
}
