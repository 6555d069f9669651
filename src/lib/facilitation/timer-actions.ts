/** The one "main" clock action for the current state, shared by the phase bar, panel and shortcut. */
import type { ControlCommand } from '#shared/control/commands';
import type { ControlState } from '#shared/control/doc';

export interface TimerAction {
	label: 'Start' | 'Pause' | 'Resume' | 'Restart';
	command: ControlCommand;
}

export function mainTimerAction(state: Pick<ControlState, 'status' | 'timer'>, name: string | undefined): TimerAction {
	if (state.status === 'ended') return { label: 'Restart', command: { type: 'start', name } };
	if (state.status === 'running' && state.timer.state === 'running') return { label: 'Pause', command: { type: 'pause' } };
	if (state.status === 'running' && state.timer.state === 'paused') return { label: 'Resume', command: { type: 'resume' } };
	return { label: 'Start', command: { type: 'start', name } };
}
