import { describe, expect, it } from 'vitest';
import { decideTask, evolveTask, type TaskCommand, type TaskState } from './tasks.ts';

const task = (status: TaskState['status'], assignee: string | null = null): TaskState => ({
  taskId: 'T-1',
  status,
  assignee,
});
const when = (t: TaskState, c: TaskCommand) => decideTask(t, c);
const then = (t: TaskState, c: TaskCommand) => {
  const d = decideTask(t, c);
  if (!d.ok) throw new Error(d.conflict);
  return { event: d.event, state: evolveTask(t, d.event) };
};

describe('the task state machine', () => {
  it('given an open task, when assigned: assigned to the inspector, the note after the assignment', () => {
    const { event, state } = then(task('open'), { type: 'assign', inspector: 'insp-east', note: 'urgent' });
    expect(event).toEqual({
      type: 'task.assigned',
      action: 'assign',
      past: 'assigned',
      from: 'open',
      to: 'assigned',
      assignee: 'insp-east',
      note: 'assigned to insp-east; urgent',
      terminal: false,
    });
    expect(state).toEqual({ taskId: 'T-1', status: 'assigned', assignee: 'insp-east' });
  });

  it('given an assigned task, when progressed then resolved: in progress, then resolved (terminal)', () => {
    const progressed = then(task('assigned', 'a'), { type: 'progress' });
    expect(progressed.event).toMatchObject({ type: 'task.progressed', to: 'in-progress', note: null });
    const resolved = then(progressed.state, { type: 'resolve', note: 'paid on site' });
    expect(resolved.event).toMatchObject({ type: 'task.resolved', from: 'in-progress', terminal: true });
    expect(resolved.state).toEqual({ taskId: 'T-1', status: 'resolved', assignee: 'a' });
  });

  it('given an in-progress task, when reassigned: assigned to the new inspector', () => {
    expect(then(task('in-progress', 'a'), { type: 'assign', inspector: 'b' }).state).toMatchObject({
      status: 'assigned',
      assignee: 'b',
    });
  });

  it('given an open task, when closed: closed without resolving (terminal)', () => {
    expect(then(task('open'), { type: 'close', note: 'duplicate' }).event).toMatchObject({
      type: 'task.closed',
      terminal: true,
    });
  });

  it('given an open task, when resolved or progressed: a conflict naming what is allowed', () => {
    expect(when(task('open'), { type: 'resolve', note: 'x' })).toEqual({
      ok: false,
      conflict: 'task T-1 is open: it cannot be resolved (only from assigned, in-progress)',
    });
    expect(when(task('open'), { type: 'progress' }).ok).toBe(false);
  });

  it('given a resolved or closed task, when any transition: a conflict; a note is still taken', () => {
    for (const status of ['resolved', 'closed'] as const) {
      for (const c of [
        { type: 'assign', inspector: 'a' },
        { type: 'progress' },
        { type: 'resolve', note: 'x' },
        { type: 'close', note: 'x' },
      ] as TaskCommand[]) {
        expect(when(task(status), c).ok).toBe(false);
      }
      const noted = then(task(status), { type: 'note', note: 'called the contractor' });
      expect(noted.event).toEqual({ type: 'task.noted', note: 'called the contractor' });
      expect(noted.state.status).toBe(status);
    }
  });
});
