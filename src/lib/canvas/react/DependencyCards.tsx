/**
 * The live card over each dependency element (issue 15): the referenced model's name and its open
 * high-risk threats (ref, title, risk, STRIDE, status), read-only, from the page's dependency
 * feed. Drawn in screen space over the element's box and scaled with the zoom, so it sits on the
 * diagram like the element's own label; zoomed out, a pill with the count instead. A removed
 * model keeps its name, struck through, under "Model removed": never a broken box.
 */
import { useEditor, useValue, type Atom, type TLShape } from 'tldraw';
import { DFD_META_KEY, MODEL_DEPENDENCY_KIND, modelNameOf } from '#shared/canvas/dfd';
import { dependencyRefOfRecord, type DependencyStatus, type ModelRef } from '#shared/systems/contract';

/** Below this zoom the card's text would be too small to read: a pill shows the count instead. */
const MIN_ZOOM_FOR_CARDS = 0.6;
/** Threats listed on a card; the rest are counted ("+3 more"). */
const THREATS_ON_CARD = 3;

interface Card {
	id: string;
	ref: ModelRef | undefined;
	/** The name stored on the element when it was placed (the model's current name wins when known). */
	placedName: string;
	x: number;
	y: number;
	w: number;
	h: number;
	zoom: number;
}

export function createDependencyCards(statuses: Atom<ReadonlyMap<ModelRef, DependencyStatus>>) {
	return function DependencyCards() {
		const editor = useEditor();
		const cards = useValue(
			'dependency cards',
			() => {
				const zoom = editor.getZoomLevel();
				const out: Card[] = [];
				for (const shape of editor.getCurrentPageShapes() as TLShape[]) {
					if (shape.meta?.[DFD_META_KEY] !== MODEL_DEPENDENCY_KIND) continue;
					const bounds = editor.getShapePageBounds(shape.id);
					if (!bounds) continue;
					const at = editor.pageToViewport({ x: bounds.minX, y: bounds.minY });
					out.push({ id: shape.id, ref: dependencyRefOfRecord(shape), placedName: modelNameOf(shape.meta), x: at.x, y: at.y, w: bounds.w, h: bounds.h, zoom });
				}
				return out;
			},
			[editor]
		);
		const known = useValue('dependency statuses', () => statuses.get(), [statuses]);
		if (cards.length === 0) return null;
		return (
			<div className="tb-dependencies" aria-hidden="true">
				{cards.map((card) => (
					<DependencyCard key={card.id} card={card} status={card.ref ? known.get(card.ref) : undefined} />
				))}
			</div>
		);
	};
}

function DependencyCard({ card, status }: { card: Card; status: DependencyStatus | undefined }) {
	const name = (status && status.state !== 'unknown' ? status.name : '') || card.placedName || 'Unnamed model';
	const state = !card.ref ? 'unknown' : (status?.state ?? 'loading');
	const count = status?.state === 'ok' ? status.openHighRiskCount : 0;
	if (card.zoom < MIN_ZOOM_FOR_CARDS) {
		const mark = state === 'ok' ? `${count} high-risk` : state === 'removed' ? 'removed' : state === 'unknown' ? '?' : '…';
		return (
			<div
				className={`tb-dep-pill tb-dep-${state}`}
				data-dependency-id={card.id}
				data-state={state}
				// Under the element: its top-right corner carries the threat count badge.
				style={{ transform: `translate(${card.x}px, ${card.y + card.h * card.zoom + 4}px)` }}
				title={`${name}: ${state === 'ok' ? `${count} open high-risk threat${count === 1 ? '' : 's'}` : state}`}
			>
				<span className="tb-dep-pill-name">{name}</span> <span className="tb-dep-pill-count">{mark}</span>
			</div>
		);
	}
	return (
		<div
			className={`tb-dep-card tb-dep-${state}`}
			data-dependency-id={card.id}
			data-state={state}
			style={{ transform: `translate(${card.x}px, ${card.y}px) scale(${card.zoom})`, width: `${card.w}px`, height: `${card.h}px` }}
		>
			{/* The name on its own lines, the card's full width: beside the tag, a 28-character name was cut. */}
			<p className="tb-dep-name">{name}</p>
			<div className="tb-dep-head">
				<span className="tb-dep-tag">Model</span>
				{state === 'removed' && <p className="tb-dep-note">Model removed: it is no longer in this system.</p>}
				{state === 'unknown' && <p className="tb-dep-note">Model not found in this system.</p>}
				{state === 'loading' && <p className="tb-dep-note">Loading its threats…</p>}
				{status?.state === 'ok' && (
					<p className="tb-dep-count">
						{count === 0 ? 'No open high-risk threats' : `${count} open high-risk threat${count === 1 ? '' : 's'}`}
					</p>
				)}
			</div>
			{status?.state === 'ok' && (
				<>
					<ul className="tb-dep-threats">
						{status.openHighRisk.slice(0, THREATS_ON_CARD).map((threat) => (
							<li key={threat.id} data-threat-ref={threat.ref}>
								<span className="tb-dep-risk" title={`Risk ${threat.risk}`}>
									{threat.risk}
								</span>
								<span className="tb-dep-ref">{threat.ref}</span>
								<span className="tb-dep-title">{threat.title || 'Untitled threat'}</span>
								<span className="tb-dep-meta">
									{threat.stride.join('')}
									{threat.stride.length ? ' · ' : ''}
									{threat.status}
								</span>
							</li>
						))}
					</ul>
					{count > THREATS_ON_CARD && <p className="tb-dep-more">+{count - THREATS_ON_CARD} more</p>}
				</>
			)}
		</div>
	);
}
