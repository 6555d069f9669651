/** Whether this person has the threat model panel open, and which view: this browser's choice only. */
export type ModelTab = 'map' | 'crossings';

/** Width of the docked panel, px (the facilitator panel moves left by as much). */
export const MODEL_PANEL_WIDTH_PX = 380;

export class ModelPanelState {
	open = $state(false);
	tab = $state<ModelTab>('map');

	show(tab: ModelTab): void {
		this.tab = tab;
		this.open = true;
	}
}
