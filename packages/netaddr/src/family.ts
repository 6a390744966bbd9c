/** An IP version: 4 for IPv4, 6 for IPv6. */
export type IPFamily = 4 | 6;

/** Address width in bits per family. */
export const familyBits = { 4: 32, 6: 128 } as const;

/** Address width in bytes per family. */
export const familyBytes = { 4: 4, 6: 16 } as const;

/** The largest address value of a family (all ones). */
export const familyMax = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n } as const;

/** `'IPv4'` or `'IPv6'`, for messages. */
export function familyName(family: IPFamily): 'IPv4' | 'IPv6' {
  return family === 4 ? 'IPv4' : 'IPv6';
}

/** True for 4 and 6. */
export function isIPFamily(value: unknown): value is IPFamily {
  return value === 4 || value === 6;
}
