// What `ironlb import-metallb` reports besides the converted objects, and a small reader that
// notices every field of a MetalLB object that no converter consumed (so nothing is dropped
// silently, including fields added by MetalLB versions newer than this importer).

/**
 * - `unconvertible`: a field or object IronLB has no equivalent for; the converted
 *   configuration behaves differently there.
 * - `action`: converted, but something must be done by hand (copy a Secret, ...).
 * - `info`: ignored without effect on behaviour (status objects, deprecated no-op fields,
 *   documents that are not MetalLB configuration).
 */
export type FindingSeverity = 'unconvertible' | 'action' | 'info';

export interface ImportFinding {
  readonly severity: FindingSeverity;
  /** `Kind namespace/name` of the MetalLB object (or `document N` when it has none). */
  readonly source: string;
  /** The field path in the MetalLB object, when the finding is about one field. */
  readonly field?: string;
  readonly message: string;
}

export class Findings {
  readonly list: ImportFinding[] = [];

  add(severity: FindingSeverity, source: string, message: string, field?: string): void {
    this.list.push({ severity, source, message, ...(field !== undefined ? { field } : {}) });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the fields of one object (a spec, usually) and reports, at `done()`, every field that
 * was not read as `unconvertible`. `take` returns the raw value; the typed helpers also check
 * the JSON type and report a mismatch.
 */
export class FieldReader {
  readonly #object: Record<string, unknown>;
  readonly #seen = new Set<string>();
  readonly #source: string;
  readonly #path: string;
  readonly #findings: Findings;

  constructor(object: unknown, init: { source: string; path: string; findings: Findings }) {
    this.#object = isRecord(object) ? object : {};
    this.#source = init.source;
    this.#path = init.path;
    this.#findings = init.findings;
    if (object !== undefined && object !== null && !isRecord(object))
      init.findings.add('unconvertible', init.source, `${init.path} is not an object`, init.path);
  }

  field(key: string): string {
    return `${this.#path}.${key}`;
  }

  take(key: string): unknown {
    this.#seen.add(key);
    return this.#object[key];
  }

  /** Marks a field as handled without reading it. */
  ignore(key: string): void {
    this.#seen.add(key);
  }

  has(key: string): boolean {
    return this.#object[key] !== undefined && this.#object[key] !== null;
  }

  #typed<T>(key: string, ok: (v: unknown) => boolean, what: string): T | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return undefined;
    if (ok(value)) return value as T;
    this.#findings.add('unconvertible', this.#source, `${this.field(key)} is not ${what}`, this.field(key));
    return undefined;
  }

  string(key: string): string | undefined {
    return this.#typed<string>(key, (v) => typeof v === 'string', 'a string');
  }

  number(key: string): number | undefined {
    return this.#typed<number>(key, (v) => typeof v === 'number' && Number.isFinite(v), 'a number');
  }

  boolean(key: string): boolean | undefined {
    return this.#typed<boolean>(key, (v) => typeof v === 'boolean', 'true or false');
  }

  strings(key: string): string[] | undefined {
    return this.#typed<string[]>(
      key,
      (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
      'a list of strings',
    );
  }

  records(key: string): Record<string, unknown>[] | undefined {
    return this.#typed<Record<string, unknown>[]>(
      key,
      (v) => Array.isArray(v) && v.every(isRecord),
      'a list of objects',
    );
  }

  record(key: string): Record<string, unknown> | undefined {
    return this.#typed<Record<string, unknown>>(key, isRecord, 'an object');
  }

  /** Reports the fields nobody read. */
  done(): void {
    for (const key of Object.keys(this.#object)) {
      if (this.#seen.has(key) || this.#object[key] === undefined || this.#object[key] === null) continue;
      this.#findings.add(
        'unconvertible',
        this.#source,
        `${this.field(key)} is not known to this importer and was dropped`,
        this.field(key),
      );
    }
  }
}
