import { randomBytes } from 'node:crypto';
import { NetlabError, NetlabErrorCode } from './errors.js';

/** Every namespace and state file netlab creates starts with this prefix. */
export const netlabPrefix = 'ilb-';

const tagPattern = /^[a-z0-9][a-z0-9]{0,11}$/;
const shortPattern = /^[a-z0-9][a-z0-9-]{0,23}$/;

/** `ilb-<tag>-<6 hex digits>`: unique per run, so parallel runs and engineers never clash. */
export function uniqueLabName(tag: string): string {
  assertTag(tag);
  return `${netlabPrefix}${tag}-${randomBytes(3).toString('hex')}`;
}

/** Throws unless `tag` is 1-12 lower-case letters and digits. */
export function assertTag(tag: string): void {
  if (!tagPattern.test(tag)) {
    throw new NetlabError(
      NetlabErrorCode.InvalidArgument,
      `lab tag ${JSON.stringify(tag)} must match ${tagPattern}`,
    );
  }
}

/** Throws unless `name` is a valid lab name (`ilb-` then lower-case letters, digits, dashes). */
export function assertLabName(name: string): void {
  if (!/^ilb-[a-z0-9][a-z0-9-]{0,30}$/.test(name)) {
    throw new NetlabError(
      NetlabErrorCode.InvalidArgument,
      `lab name ${JSON.stringify(name)} must start with ${netlabPrefix} and use [a-z0-9-]`,
    );
  }
}

/** Throws unless `short` can name a namespace inside a lab (`<lab>-<short>`). */
export function assertShortName(short: string): void {
  if (!shortPattern.test(short)) {
    throw new NetlabError(
      NetlabErrorCode.InvalidArgument,
      `namespace name ${JSON.stringify(short)} must match ${shortPattern}`,
    );
  }
}

/** Linux interface names are at most 15 bytes (IFNAMSIZ 16). */
export function assertInterfaceName(name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name)) {
    throw new NetlabError(
      NetlabErrorCode.InvalidArgument,
      `interface name ${JSON.stringify(name)} is not valid (1-15 chars)`,
    );
  }
}

/** The switch-side port name for a host: `p-<short>`, or `p<index>` when that is too long. */
export function switchPortName(short: string, index: number): string {
  const name = `p-${short}`;
  return name.length <= 15 ? name : `p${index}`;
}
