// An EventRecorder that records every call.
import type { EventInput, EventRecorder, EventReference } from '../event-recorder.js';

export interface RecordedEvent extends EventInput {
  regarding: EventReference;
}

export class FakeEventRecorder implements EventRecorder {
  readonly events: RecordedEvent[] = [];

  record(regarding: EventReference, event: EventInput): void {
    this.events.push({ regarding: { ...regarding }, ...event });
  }

  /** Reasons recorded for one object (by name, and namespace when given), in order. */
  reasonsFor(name: string, namespace?: string): string[] {
    return this.events
      .filter(
        (e) => e.regarding.name === name && (namespace === undefined || e.regarding.namespace === namespace),
      )
      .map((e) => e.reason);
  }

  clear(): void {
    this.events.length = 0;
  }
}
