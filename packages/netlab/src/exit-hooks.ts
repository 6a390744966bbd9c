/**
 * The one piece of module state in netlab: the labs alive in this process, so that they are
 * torn down when the process exits or is interrupted, even if a test forgot `destroy()`.
 */

/** What the hooks need from a lab. */
export interface ExitCleanup {
  destroySync(): void;
}

const live = new Set<ExitCleanup>();
const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

export function registerForExitCleanup(lab: ExitCleanup): void {
  live.add(lab);
  if (!installed) install();
}

export function unregisterForExitCleanup(lab: ExitCleanup): void {
  live.delete(lab);
}

function cleanupAll(): void {
  for (const lab of [...live]) {
    live.delete(lab);
    try {
      lab.destroySync();
    } catch {
      // Exit hooks must not throw; the sweep of the next run catches what is left.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  cleanupAll();
  // Keep the default behaviour (terminate) unless someone else handles the signal.
  process.removeListener(signal, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  installed = true;
  process.on('exit', cleanupAll);
  for (const signal of signals) process.on(signal, onSignal);
}
