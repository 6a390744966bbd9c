import { native } from './binding.js';
import { SystemError } from './system-error.js';

/**
 * Runs `fn` synchronously with the JavaScript thread inside network namespace `name`
 * (/run/netns/NAME, as `ip netns add` creates), then moves the thread back. Sockets created
 * inside keep that namespace for their whole life, so a single test process can hold sockets
 * in several namespaces. Interface lookups (`interfaceInfo`) inside `fn` see that namespace.
 * Only the calling thread moves (libuv's thread pool stays put), so do not await inside `fn`.
 * For tests and tools; needs CAP_SYS_ADMIN.
 */
export function runInNetns<T>(name: string, fn: () => T): T {
  const b = native();
  const path = name.startsWith('/') ? name : `/run/netns/${name}`;
  const target = b.netnsOpen(path);
  if (target < 0) throw new SystemError(target, 'open', { netns: name });
  const original = b.netnsOpen('/proc/thread-self/ns/net');
  if (original < 0) {
    b.closeFd(target);
    throw new SystemError(original, 'open', { netns: 'self' });
  }
  try {
    const rc = b.netnsSet(target);
    if (rc < 0) throw new SystemError(rc, 'setns', { netns: name });
    try {
      return fn();
    } finally {
      moveBack(original);
    }
  } finally {
    b.closeFd(target);
    b.closeFd(original);
  }
}

function moveBack(original: number): void {
  const rc = native().netnsSet(original);
  // The thread would stay in the wrong namespace: nothing sensible can continue.
  if (rc < 0) throw new SystemError(rc, 'setns', { netns: 'self' });
}
