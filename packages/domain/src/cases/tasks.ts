/**
 * The inspection task's state machine: open → assigned → in progress → resolved | closed, with
 * notes at any time. `decideTask` says what a command does to a task (an event) or why it may
 * not (a conflict); `evolveTask` folds the event into the task.
 */
export const TASK_STATUS_ORDER = ['open', 'assigned', 'in-progress', 'resolved', 'closed'] as const;
export type TaskStatus = (typeof TASK_STATUS_ORDER)[number];

/** A task in one of these is done: it no longer holds its case open. */
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['resolved', 'closed'];
export const isTerminalTask = (s: TaskStatus): boolean => TERMINAL_TASK_STATUSES.includes(s);

export type TaskState = { taskId: string; status: TaskStatus; assignee: string | null };

export type TaskCommand =
  | { type: 'assign'; inspector: string; note?: string | undefined }
  | { type: 'progress'; note?: string | undefined }
  | { type: 'resolve'; note: string }
  | { type: 'close'; note: string }
  | { type: 'note'; note: string };

export type TaskTransitionEvent = {
  type: 'task.assigned' | 'task.progressed' | 'task.resolved' | 'task.closed';
  /** The command's name (`assign`, …) and its past tense (`assigned`, …), as the audit trail writes them. */
  action: 'assign' | 'progress' | 'resolve' | 'close';
  past: 'assigned' | 'progressed' | 'resolved' | 'closed';
  from: TaskStatus;
  to: TaskStatus;
  assignee: string | null;
  /** The audit note: `assigned to <inspector>` for an assignment, then the caller's note. */
  note: string | null;
  /** Resolved or closed: the case may close now. */
  terminal: boolean;
};
export type TaskEvent = TaskTransitionEvent | { type: 'task.noted'; note: string };

export type TaskDecision = { ok: true; event: TaskEvent } | { ok: false; conflict: string };

/** The transitions: allowed from-statuses, the new status, the event. */
const TRANSITIONS = {
  assign: {
    from: ['open', 'assigned', 'in-progress'],
    to: 'assigned',
    type: 'task.assigned',
    past: 'assigned',
  },
  progress: {
    from: ['assigned', 'in-progress'],
    to: 'in-progress',
    type: 'task.progressed',
    past: 'progressed',
  },
  resolve: { from: ['assigned', 'in-progress'], to: 'resolved', type: 'task.resolved', past: 'resolved' },
  close: { from: ['open', 'assigned', 'in-progress'], to: 'closed', type: 'task.closed', past: 'closed' },
} as const satisfies Record<
  TaskTransitionEvent['action'],
  {
    from: readonly TaskStatus[];
    to: TaskStatus;
    type: TaskTransitionEvent['type'];
    past: TaskTransitionEvent['past'];
  }
>;

function transition(
  task: TaskState,
  action: TaskTransitionEvent['action'],
  assignee: string | null,
  note: string | null,
): TaskDecision {
  const t = TRANSITIONS[action];
  if (!(t.from as readonly TaskStatus[]).includes(task.status)) {
    return {
      ok: false,
      conflict: `task ${task.taskId} is ${task.status}: it cannot be ${t.past} (only from ${t.from.join(', ')})`,
    };
  }
  return {
    ok: true,
    event: {
      type: t.type,
      action,
      past: t.past,
      from: task.status,
      to: t.to,
      assignee,
      note,
      terminal: isTerminalTask(t.to),
    },
  };
}

export function decideTask(task: TaskState, command: TaskCommand): TaskDecision {
  switch (command.type) {
    case 'note':
      return { ok: true, event: { type: 'task.noted', note: command.note } };
    case 'assign':
      return transition(
        task,
        'assign',
        command.inspector,
        [`assigned to ${command.inspector}`, command.note].filter(Boolean).join('; '),
      );
    case 'progress':
      return transition(task, 'progress', task.assignee, command.note ?? null);
    case 'resolve':
    case 'close':
      return transition(task, command.type, task.assignee, command.note);
    default: {
      const never: never = command;
      throw new Error(`unknown task command ${JSON.stringify(never)}`);
    }
  }
}

export function evolveTask(task: TaskState, event: TaskEvent): TaskState {
  switch (event.type) {
    case 'task.noted':
      return task;
    case 'task.assigned':
    case 'task.progressed':
    case 'task.resolved':
    case 'task.closed':
      return { ...task, status: event.to, assignee: event.assignee };
    default: {
      const never: never = event;
      throw new Error(`unknown task event ${JSON.stringify(never)}`);
    }
  }
}
