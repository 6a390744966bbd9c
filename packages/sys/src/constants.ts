import { native, type NativeConstants } from './binding.js';

/**
 * The numeric constants the addon was compiled with (AF_*, IPPROTO_*, IP_TTL, IP_MINTTL,
 * IPV6_MINHOPCOUNT, SO_*, ETH_P_*, IFF_*, ...), for `getSocketOption` and diagnostics.
 */
export function sysConstants(): NativeConstants {
  return native().constants;
}
