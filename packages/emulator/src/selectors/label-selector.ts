// Label selectors as the API accepts them in `?labelSelector=` (apimachinery `labels.Parse`):
// `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`; a comma means AND.
import { badRequest } from '../errors.js';

export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export type LabelSelector = Requirement[];

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, text: string): string {
  if (!KEY.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${text}"`);
  return key;
}

function checkValue(value: string, text: string): string {
  if (value.length > 63 || !VALUE.test(value))
    throw badRequest(`unable to parse requirement: invalid label value: "${value}" in "${text}"`);
  return value;
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

export function parseLabelSelector(text: string | undefined | null): LabelSelector {
  if (!text) return [];
  const reqs: Requirement[] = [];
  for (const term of splitTerms(text)) {
    let m = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '' || m![3]!.trim() === '')
        .map((v) => checkValue(v, text));
      reqs.push({ key: checkKey(m[1]!, text), op: m[2] as 'in' | 'notin', values });
      continue;
    }
    m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(term);
    if (m) {
      reqs.push({
        key: checkKey(m[1]!, text),
        op: m[2] === '!=' ? 'neq' : 'eq',
        value: checkValue(m[3]!, text),
      });
      continue;
    }
    m = /^(!?)\s*([^\s!=(),]+)$/.exec(term);
    if (m) {
      reqs.push({ key: checkKey(m[2]!, text), op: m[1] ? 'notexists' : 'exists' });
      continue;
    }
    throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
  }
  return reqs;
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of sel) {
    const v = labels?.[r.key];
    switch (r.op) {
      case 'eq':
        if (v !== r.value) return false;
        break;
      case 'neq':
        if (v === r.value) return false;
        break;
      case 'in':
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (v !== undefined && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (v === undefined) return false;
        break;
      case 'notexists':
        if (v !== undefined) return false;
        break;
    }
  }
  return true;
}

/** A `metav1.LabelSelector` object (matchLabels + matchExpressions) as requirements. */
export function fromLabelSelectorObject(sel: unknown): LabelSelector {
  if (typeof sel !== 'object' || sel === null) return [];
  const s = sel as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(s.matchLabels ?? {})) reqs.push({ key, op: 'eq', value });
  for (const e of s.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') reqs.push({ key: e.key, op: 'notexists' });
  }
  return reqs;
}
