/**
 * Live markers over the diagram, in screen space: each DFD element's kind as a small tag (so a
 * data store never passes for a plain box), how many threats concern it, flows that cross a trust
 * boundary or have a loose end, and a ring around the spotlit element. Derived locally from the
 * board document; nothing here is written into tldraw's records.
 */
import { useEditor, useValue, type Atom, type TLShape } from 'tldraw';
import { DFD_KIND_LABELS, DFD_META_KEY, isDfdElementKind } from '#shared/canvas/dfd';
import type { CanvasMarks } from '../canvas-marks.ts';

const MIN_ZOOM_FOR_KIND_TAGS = 0.75;
/** Space between the spotlit shape and its ring, in screen pixels. */
const SPOTLIGHT_RING_GAP_PX = 6;

interface Badge {
	id: string;
	x: number;
	y: number;
	right: number;
	bottom: number;
	kind: string | undefined;
	threats: number;
	/** Boundaries the flow crosses (0: none). */
	crossing: number;
	incomplete: boolean;
	spotlit: boolean;
}

export function createElementBadges(threatCounts: Atom<ReadonlyMap<string, number>>, marks: Atom<CanvasMarks>) {
	return function ElementBadges() {
		const editor = useEditor();
		const badges = useValue(
			'element badges',
			() => {
				const counts = threatCounts.get();
				const { crossing, incomplete, spotlight } = marks.get();
				// Kind tags are a fixed 11 px: over small shapes (zoomed out) they would hide the diagram.
				const showKinds = editor.getZoomLevel() >= MIN_ZOOM_FOR_KIND_TAGS;
				const out: Badge[] = [];
				for (const shape of editor.getCurrentPageShapes() as TLShape[]) {
					const tag = shape.meta?.[DFD_META_KEY];
					const kind = showKinds && isDfdElementKind(tag) ? DFD_KIND_LABELS[tag] : undefined;
					const threats = counts.get(shape.id) ?? 0;
					const crosses = crossing.get(shape.id) ?? 0;
					const loose = incomplete.has(shape.id);
					const spotlit = spotlight === shape.id;
					if (!kind && !threats && !crosses && !loose && !spotlit) continue;
					const bounds = editor.getShapePageBounds(shape.id);
					if (!bounds) continue;
					const topLeft = editor.pageToViewport({ x: bounds.minX, y: bounds.minY });
					const bottomRight = editor.pageToViewport({ x: bounds.maxX, y: bounds.maxY });
					out.push({
						id: shape.id,
						x: topLeft.x,
						y: topLeft.y,
						right: bottomRight.x,
						bottom: bottomRight.y,
						kind,
						threats,
						crossing: crosses,
						incomplete: loose,
						spotlit
					});
				}
				return out;
			},
			[editor, threatCounts, marks]
		);
		// Zoomed out (a diagram beside the board on a laptop), a flow's mark shrinks to a symbol so it
		// does not cover the shapes and labels around it.
		const compact = useValue('compact flow marks', () => editor.getZoomLevel() < MIN_ZOOM_FOR_KIND_TAGS, [editor]);
		return (
			<div className="tb-badges" aria-hidden="true">
				{badges.map((badge) => (
					<div key={badge.id}>
						{badge.spotlit && (
							<span
								className="tb-spotlight"
								data-spotlit-id={badge.id}
								style={{
									transform: `translate(${badge.x - SPOTLIGHT_RING_GAP_PX}px, ${badge.y - SPOTLIGHT_RING_GAP_PX}px)`,
									width: `${badge.right - badge.x + 2 * SPOTLIGHT_RING_GAP_PX}px`,
									height: `${badge.bottom - badge.y + 2 * SPOTLIGHT_RING_GAP_PX}px`
								}}
							/>
						)}
						{badge.kind && (
							<span className="tb-kind" style={{ transform: `translate(${badge.x}px, ${badge.y - 18}px)` }}>
								{badge.kind}
							</span>
						)}
						{(badge.crossing > 0 || badge.incomplete) && (
							<span
								className={`tb-flow ${badge.incomplete ? 'tb-incomplete' : 'tb-crossing'}${compact ? ' tb-compact' : ''}`}
								data-flow-id={badge.id}
								data-crossing={badge.crossing}
								data-incomplete={badge.incomplete}
								style={{ transform: `translate(calc(${(badge.x + badge.right) / 2}px - 50%), ${(badge.y + badge.bottom) / 2 + 6}px)` }}
							>
								{flowMark(badge, compact)}
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

/** A flow's mark: "crosses 2 boundaries" / "loose end", or "⇄2" / "⋯" when zoomed out. */
function flowMark(badge: { crossing: number; incomplete: boolean }, compact: boolean): string {
	if (badge.incomplete) return compact ? '⋯' : 'loose end';
	return compact ? `⇄${badge.crossing}` : `crosses ${badge.crossing} boundar${badge.crossing === 1 ? 'y' : 'ies'}`;
}
