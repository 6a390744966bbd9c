import { AS_TRANS, AttributeType, NotificationCode, UpdateMessageSubcode } from '../constants.js';
import { BgpDecodeError, ErrorHandling, worstHandling } from '../errors.js';
import { firstAs } from './attr-as-path.js';
import type { PathAttribute } from './attribute-types.js';
import { familyOfAfi, type Family } from './prefix.js';
import type { UpdateMessage } from './update.js';

/** What the semantic checks of a received UPDATE depend on. */
export interface UpdateCheckContext {
  /** The peer is in another AS (eBGP). */
  readonly external: boolean;
  readonly peerAs: number;
  readonly fourOctetAs: boolean;
}

/** The verdict on a received UPDATE, from its decode errors and the checks below. */
export interface UpdateVerdict {
  /** Most severe RFC 7606 handling, or undefined when the UPDATE is clean. */
  readonly handling: ErrorHandling | undefined;
  readonly errors: readonly BgpDecodeError[];
  /** Prefixes announced (NLRI plus MP_REACH_NLRI), before treat-as-withdraw. */
  readonly announced: number;
  /** Prefixes withdrawn (Withdrawn Routes plus MP_UNREACH_NLRI). */
  readonly withdrawn: number;
  /** Set when the UPDATE is an End-of-RIB marker (RFC 4724 §2). */
  readonly endOfRib?: Family;
}

function missing(code: number): BgpDecodeError {
  // RFC 4271 §6.3: data is the type code of the missing attribute. RFC 7606 §3 (d):
  // treat-as-withdraw.
  return new BgpDecodeError(`missing well-known attribute ${code}`, {
    code: NotificationCode.UpdateMessageError,
    subcode: UpdateMessageSubcode.MissingWellKnownAttribute,
    data: Uint8Array.of(code),
    handling: ErrorHandling.treatAsWithdraw,
    offset: 0,
  });
}

/** The End-of-RIB family of an UPDATE, if it is one. */
export function endOfRibFamily(m: UpdateMessage): Family | undefined {
  if (m.withdrawnRoutes.length > 0 || m.nlri.length > 0) return undefined;
  if (m.pathAttributes.length === 0) return 4;
  const a = m.pathAttributes[0]!;
  if (
    m.pathAttributes.length === 1 &&
    a.type === 'MP_UNREACH_NLRI' &&
    a.withdrawn.length === 0 &&
    !a.rawWithdrawn
  ) {
    return a.safi === 1 ? familyOfAfi(a.afi) : undefined;
  }
  return undefined;
}

/**
 * RFC 4271 §6.3 and RFC 7606 checks that need the session: mandatory attributes present when
 * routes are announced, and on eBGP the leftmost AS of the AS_PATH being the peer's.
 */
export function checkUpdate(m: UpdateMessage, ctx: UpdateCheckContext): UpdateVerdict {
  const errors: BgpDecodeError[] = [...(m.errors ?? [])];
  const byType = new Map<string, PathAttribute>();
  for (const a of m.pathAttributes) byType.set(a.type, a);
  const mpReach = byType.get('MP_REACH_NLRI');
  const mpUnreach = byType.get('MP_UNREACH_NLRI');
  const mpAnnounced = mpReach?.type === 'MP_REACH_NLRI' ? mpReach.nlri.length : 0;
  const announced = m.nlri.length + mpAnnounced;
  const withdrawn =
    m.withdrawnRoutes.length + (mpUnreach?.type === 'MP_UNREACH_NLRI' ? mpUnreach.withdrawn.length : 0);
  const attributeErrors = errors.some((e) => e.notification.code === NotificationCode.UpdateMessageError);
  if (announced > 0) {
    // Attributes dropped by an earlier error are not reported missing a second time.
    const dropped = (code: number) => attributeErrors && errors.some((e) => e.notification.data[1] === code);
    if (!byType.has('ORIGIN') && !dropped(AttributeType.ORIGIN)) errors.push(missing(AttributeType.ORIGIN));
    if (!byType.has('AS_PATH') && !dropped(AttributeType.AS_PATH))
      errors.push(missing(AttributeType.AS_PATH));
    if (m.nlri.length > 0 && !byType.has('NEXT_HOP') && !dropped(AttributeType.NEXT_HOP)) {
      errors.push(missing(AttributeType.NEXT_HOP));
    }
    const path = byType.get('AS_PATH');
    if (ctx.external && path?.type === 'AS_PATH') {
      const expected = !ctx.fourOctetAs && ctx.peerAs > 0xffff ? AS_TRANS : ctx.peerAs;
      const first = firstAs(path.segments);
      if (first !== expected) {
        errors.push(
          new BgpDecodeError(`AS_PATH starts with ${first ?? 'no AS'}, not the peer's AS ${expected}`, {
            code: NotificationCode.UpdateMessageError,
            subcode: UpdateMessageSubcode.MalformedAsPath,
            handling: ErrorHandling.treatAsWithdraw,
            offset: 0,
          }),
        );
      }
    }
  }
  let handling: ErrorHandling | undefined;
  for (const e of errors) handling = worstHandling(handling, e.handling);
  const eor = endOfRibFamily(m);
  return eor === undefined
    ? { handling, errors, announced, withdrawn }
    : { handling, errors, announced, withdrawn, endOfRib: eor };
}
