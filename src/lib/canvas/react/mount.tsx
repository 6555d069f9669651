/**
 * The tldraw island. Svelte loads this module with a dynamic import (so the landing page and the
 * board never download tldraw) and talks to it only through `mountCanvas` and its handle.
 */
import 'tldraw/tldraw.css';
import './canvas.css';
import { StrictMode, startTransition, useEffect, useState, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import {
	ArrowToolbarItem,
	DefaultMenuPanel,
	DefaultNavigationPanel,
	DefaultStylePanel,
	DefaultToolbar,
	HandToolbarItem,
	SelectToolbarItem,
	TextToolbarItem,
	Tldraw,
	atom,
	createTLStore,
	defaultBindingUtils,
	defaultShapeUtils,
	react,
	renderPlaintextFromRichText,
	type Atom,
	type Editor,
	type TLComponents,
	type TLUiOverrides,
	type TLUiStylePanelProps,
	type TLShape,
	type TLShapeId,
	type TLUserId
} from 'tldraw';
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { equalityDeep } from 'lib0/function';
import { onBoardChange } from '#shared/board/doc';
import { threatCountsByElement } from '#shared/canvas/elements';
import { CREATED_META_KEY, DFD_META_KEY, MODEL_DEPENDENCY_KIND, isDfdElementKind, modelDependencyLabel, modelNameOf, type DfdKind, type DfdPaletteKind } from '#shared/canvas/dfd';
import type { DependencyStatus, ModelRef } from '#shared/systems/contract';
import { NO_MARKS, type CanvasMarks } from '../canvas-marks.ts';
import { createDependencyCards } from './DependencyCards.tsx';
import { createElementBadges } from './ElementBadges.tsx';
import { BatchedGeoShapeUtil } from './geo-label-sizes.ts';
import { placeDfdElement, placeModelDependency, tagSelection } from './dfd-shapes.ts';
import { bindPresence, presenceUserId } from './presence-binding.ts';
import { bindCanvasStore, type CanvasBindingProblem } from './yjs-binding.ts';

/** tldraw's own verdict on its licence (see LicenseManager); the last two blank the canvas. */
export type CanvasLicenseState = 'pending' | 'licensed' | 'licensed-with-watermark' | 'unlicensed' | 'unlicensed-production' | 'expired';

export interface SelectedElement {
	id: string;
	kind: DfdKind;
	label: string;
}

export type { CanvasMarks };

export interface CanvasMountOptions {
	doc: Y.Doc;
	awareness: Awareness;
	licenseKey: string | undefined;
	readOnly: boolean;
	onReady?: () => void;
	onProblem?: (problem: CanvasBindingProblem) => void;
	onSelection?: (selected: SelectedElement[]) => void;
	onLicense?: (state: CanvasLicenseState) => void;
	/** Whether we are following someone (they may stop it themselves by moving the camera). */
	onFollowing?: (clientId: number | null) => void;
	/** The time to stamp new shapes with (the server's clock, so that everyone's stamps agree). */
	now?: () => number;
	/** Something the user tried that the canvas does not do (e.g. dropping a file). */
	onNotice?: (message: string) => void;
}

export interface CanvasHandle {
	place(kind: DfdPaletteKind): void;
	/** Places an element already named (a board note put on the diagram); its id, or undefined when read-only. */
	placeNamed(kind: DfdPaletteKind, label: string): string | undefined;
	/** Places another model of the system as a dependency element; its id, or undefined when read-only. */
	placeDependency(modelRef: ModelRef, modelName: string): string | undefined;
	/** Switches to the arrow tool: a data flow is an arrow between two elements. */
	startDataFlow(): void;
	tagSelection(kind: DfdPaletteKind | null): void;
	/** Zooms to an element and selects it; false when it is not on the canvas. */
	focusElement(id: string): boolean;
	/** Brings an element into view without selecting it (a spotlight); false when it is gone. */
	frameElement(id: string): boolean;
	/** The top shape under a point of the viewport (client coordinates), for drops from the board. */
	shapeAt(clientX: number, clientY: number): string | undefined;
	setMarks(marks: CanvasMarks): void;
	/** The live status of the models the diagram's dependency elements stand for. */
	setDependencies(statuses: ReadonlyMap<ModelRef, DependencyStatus>): void;
	follow(clientId: number | null): void;
	setReadOnly(readOnly: boolean): void;
	/** Shows or hides tldraw's style panel (colour, fill, dash, size), closed until asked for. */
	setStylesShown(shown: boolean): void;
	destroy(): void;
}

const assetUrls = getAssetUrlsByImport();
/** tldraw's defaults, with the geo shape's labels measured in batches (same records and props). */
const shapeUtils = [BatchedGeoShapeUtil];

export function mountCanvas(container: HTMLElement, options: CanvasMountOptions): CanvasHandle {
	const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils });
	const binding = bindCanvasStore(store, options.doc, { onProblem: options.onProblem });
	const cleanups: Array<() => void> = [() => binding.destroy()];

	const threatCounts = atom<ReadonlyMap<string, number>>('threat counts', threatCountsByElement(options.doc));
	cleanups.push(
		onBoardChange(options.doc, (changes) => {
			// Links only: a note's kind never changes, and deleting a note deletes its links.
			if (changes.links) threatCounts.set(threatCountsByElement(options.doc));
		})
	);

	const marks = atom<CanvasMarks>('canvas marks', NO_MARKS);
	const dependencies = atom<ReadonlyMap<ModelRef, DependencyStatus>>('dependency statuses', new Map());
	const DependencyCards = createDependencyCards(dependencies);
	const ElementBadges = createElementBadges(threatCounts, marks);
	const panelsShown = atom('tldraw panels shown', false);
	const stylesShown = atom('style panel shown', false);
	const components: TLComponents = {
		// The cards first: an element's threat count and the spotlight ring stay on top of its card.
		InFrontOfTheCanvas: function InFront() {
			return (
				<>
					<DependencyCards />
					<ElementBadges />
				</>
			);
		},
		MenuPanel: afterFirstPaint(panelsShown, DefaultMenuPanel),
		Toolbar: afterFirstPaint(panelsShown, DiagramToolbar),
		NavigationPanel: afterFirstPaint(panelsShown, DefaultNavigationPanel),
		StylePanel: shownWhen(stylesShown, DefaultStylePanel),
		// The board's own "?" lists the shortcuts; tldraw's help button sat on its licence watermark.
		HelpMenu: null,
		// One page per workshop: the diagram is one picture, and exports read one page.
		PageMenu: null,
		SharePanel: null
	};

	let editor: Editor | undefined;
	// The latest read-only state asked for: it may change between this call and tldraw's mount
	// (someone names themselves while the canvas loads), and the editor must start from it. Taken
	// from the options alone, such a canvas stayed read-only with an enabled palette that did nothing.
	let readOnly = options.readOnly;
	const onMount = (mounted: Editor) => {
		editor = mounted;
		mounted.updateInstanceState({ isReadonly: readOnly });
		// The whole diagram in view, at most at 100%: a room's diagram (an imported one above all)
		// is often larger than the view, and tldraw opens at the page's origin.
		const content = mounted.getCurrentPageBounds();
		if (content) mounted.zoomToBounds(content, { immediate: true, targetZoom: 1, inset: 48 });
		refuseOutsideContent(mounted, options.onNotice);
		cleanups.push(stampDrawingTime(mounted, options.now ?? Date.now));
		cleanups.push(bindPresence(mounted, options.awareness));
		cleanups.push(watchSelection(mounted, options.onSelection));
		cleanups.push(watchLicense(mounted, options.onLicense));
		cleanups.push(
			react('following', () => {
				const followed = mounted.getInstanceState().followingUserId;
				const match = followed?.match(/^user:client-(\d+)$/);
				options.onFollowing?.(match ? Number(match[1]) : null);
			})
		);
		options.onReady?.();
		// One painted frame later (see `afterFirstPaint`).
		requestAnimationFrame(() => setTimeout(() => panelsShown.set(true)));
	};

	const root = createRoot(container);
	// As a transition, React renders tldraw in slices and lets the board's frames through.
	if (!binding.problem) {
		startTransition(() => {
			root.render(
				<StrictMode>
					<Tldraw
						store={store}
						licenseKey={options.licenseKey}
						assetUrls={assetUrls}
						shapeUtils={shapeUtils}
						components={components}
						overrides={DIAGRAM_TOOLS_ONLY}
						options={{ maxPages: 1 }}
						onMount={onMount}
					/>
				</StrictMode>
			);
		});
	}

	return {
		place(kind) {
			if (editor && !editor.getIsReadonly()) placeDfdElement(editor, kind);
		},
		placeNamed(kind, label) {
			return editor && !editor.getIsReadonly() ? placeDfdElement(editor, kind, label) : undefined;
		},
		placeDependency(modelRef, modelName) {
			return editor && !editor.getIsReadonly() ? placeModelDependency(editor, modelRef, modelName) : undefined;
		},
		startDataFlow() {
			editor?.setCurrentTool('arrow');
		},
		tagSelection(kind) {
			if (editor && !editor.getIsReadonly()) tagSelection(editor, kind);
		},
		focusElement(id) {
			if (!editor) return false;
			const shape = editor.getShape(id as TLShapeId);
			if (!shape) return false;
			editor.select(shape.id);
			editor.zoomToSelection({ animation: { duration: 250 } });
			return true;
		},
		frameElement(id) {
			if (!editor) return false;
			const bounds = editor.getShapePageBounds(id as TLShapeId);
			if (!bounds) return false;
			editor.zoomToBounds(bounds, { targetZoom: 1, inset: 96, animation: { duration: 250 } });
			return true;
		},
		shapeAt(clientX, clientY) {
			if (!editor) return undefined;
			const point = editor.screenToPage({ x: clientX, y: clientY });
			return editor.getShapeAtPoint(point, { hitInside: true, margin: 4, renderingOnly: true })?.id;
		},
		setMarks(next) {
			marks.set(next);
		},
		setDependencies(statuses) {
			dependencies.set(statuses);
		},
		follow(clientId) {
			if (!editor) return;
			if (clientId === null) editor.stopFollowingUser();
			else editor.startFollowingUser(presenceUserId(clientId) as TLUserId);
		},
		setReadOnly(next) {
			readOnly = next;
			editor?.updateInstanceState({ isReadonly: next });
		},
		setStylesShown(shown) {
			stylesShown.set(shown);
		},
		destroy() {
			for (const cleanup of cleanups.splice(0)) cleanup();
			root.unmount();
		}
	};
}

/**
 * A data-flow diagram needs few tools: select, hand, arrow (a data flow) and text (a label); the
 * elements and boundaries come from the DFD palette. Pencil, eraser, sticky notes, frames, lines,
 * media and the free geo shapes are taken out of the toolbar and of the keyboard, so that nobody
 * draws something no reader of the diagram (coverage, exports) understands.
 */
const DIAGRAM_TOOLS = new Set(['select', 'hand', 'arrow', 'text']);
const DIAGRAM_TOOLS_ONLY: TLUiOverrides = {
	tools(_editor, tools) {
		for (const id of Object.keys(tools)) if (!DIAGRAM_TOOLS.has(id)) delete tools[id];
		return tools;
	}
};

function DiagramToolbar() {
	return (
		<DefaultToolbar>
			<SelectToolbarItem />
			<HandToolbarItem />
			<ArrowToolbarItem />
			<TextToolbarItem />
		</DefaultToolbar>
	);
}

/** tldraw's style panel, only while `shown` (it covered the selected shape whenever one was). */
function shownWhen(shown: Atom<boolean>, Panel: ComponentType<TLUiStylePanelProps>): ComponentType<TLUiStylePanelProps> {
	return function Toggled(props: TLUiStylePanelProps) {
		const [visible, setVisible] = useState(shown.get());
		useEffect(() => react('style panel', () => setVisible(shown.get())), []);
		return visible ? <Panel {...props} /> : null;
	};
}

/**
 * tldraw's own panels (menu, toolbar, navigation, help) take about as long to render as a
 * 300-shape canvas. They come one painted frame after it: by then the diagram shows and takes
 * pointer input, tldraw's keyboard shortcuts (bound outside the panels) and our palette. The
 * components object stays the same, so only the panels render again, not the canvas.
 */
function afterFirstPaint<Props extends object>(shown: Atom<boolean>, Panel: ComponentType<Props>): ComponentType<Props> {
	return function Deferred(props: Props) {
		const [visible, setVisible] = useState(shown.get());
		useEffect(() => react('show panels', () => shown.get() && startTransition(() => setVisible(true))), []);
		return visible ? <Panel {...props} /> : null;
	};
}

function watchSelection(editor: Editor, onSelection: CanvasMountOptions['onSelection']): () => void {
	if (!onSelection) return () => {};
	let last: SelectedElement[] | undefined;
	return react('selection out', () => {
		const selected = editor.getSelectedShapes().map((shape) => describe(editor, shape));
		if (last && equalityDeep(selected, last)) return;
		last = selected;
		onSelection(selected);
	});
}

function describe(editor: Editor, shape: TLShape): SelectedElement {
	const tag = shape.meta?.[DFD_META_KEY];
	const kind: DfdKind = isDfdElementKind(tag) ? tag : shape.type === 'arrow' ? 'data-flow' : 'other';
	if (kind === MODEL_DEPENDENCY_KIND) return { id: shape.id, kind, label: modelDependencyLabel(modelNameOf(shape.meta ?? {})) };
	const props = shape.props as { richText?: Parameters<typeof renderPlaintextFromRichText>[1] };
	const label = props.richText ? renderPlaintextFromRichText(editor, props.richText).trim().slice(0, 200) : '';
	return { id: shape.id, kind, label };
}

/** tldraw keeps its licence verdict on a field it does not export a type for. */
function watchLicense(editor: Editor, onLicense: CanvasMountOptions['onLicense']): () => void {
	const manager = (editor as unknown as { licenseManager?: { state?: { get(): string } } }).licenseManager;
	if (!onLicense || !manager?.state) return () => {};
	return react('licence state', () => onLicense(manager.state!.get() as CanvasLicenseState));
}

/**
 * Stamps each shape this person draws with the time (CREATED_META_KEY), which orders the
 * diagram's references. A copy (duplicate, paste) carries its original's stamp and gets its own;
 * a shape brought back by undo keeps the one it had.
 */
function stampDrawingTime(editor: Editor, now: () => number): () => void {
	return editor.sideEffects.registerBeforeCreateHandler('shape', (shape, source) => {
		if (source !== 'user') return shape;
		const stamp = shape.meta?.[CREATED_META_KEY];
		const taken = typeof stamp === 'number' && editor.getCurrentPageShapes().some((other) => other.id !== shape.id && other.meta?.[CREATED_META_KEY] === stamp);
		if (typeof stamp === 'number' && !taken) return shape;
		return { ...shape, meta: { ...shape.meta, [CREATED_META_KEY]: Math.round(now()) } };
	});
}

/**
 * Pasted or dropped files, images and links would be stored in the room (data URLs) or fetch
 * third-party content into everyone's browser; a threat model needs neither. Links become text.
 */
function refuseOutsideContent(editor: Editor, onNotice: CanvasMountOptions['onNotice']): void {
	const refuse = (what: string) => () => onNotice?.(`${what} cannot be added to the canvas; draw the diagram with shapes and text.`);
	editor.registerExternalContentHandler('files', refuse('Files'));
	editor.registerExternalContentHandler('file-replace', refuse('Files'));
	editor.registerExternalContentHandler('embed', refuse('Embeds'));
	editor.registerExternalContentHandler('svg-text', refuse('SVG images'));
	editor.registerExternalContentHandler('url', ({ url, point }) => {
		editor.putExternalContent({ type: 'text', text: url, point });
	});
}
