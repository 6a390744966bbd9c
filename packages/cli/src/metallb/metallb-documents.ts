// Reading MetalLB manifests: YAML streams (`kubectl get ... -o yaml` Lists included), which
// documents are MetalLB configuration objects, and the metadata kept on conversion.
import { parseAllDocuments } from 'yaml';
import type { ObjectMeta } from '@ironlb/config';
import { CliError, CliErrorCode } from '../cli-error.js';
import { type Findings, isRecord } from './import-finding.js';

export const METALLB_GROUP = 'metallb.io';
/** The group of MetalLB releases before 0.13 (objects of it are not CRD configuration). */
export const LEGACY_METALLB_GROUP = 'metallb.universe.tf';

/** One MetalLB object found in the input. */
export interface MetalLBObject {
  /** `v1beta1`, `v1beta2`, ... */
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly labels: Record<string, string> | undefined;
  readonly annotations: Record<string, string> | undefined;
  readonly spec: unknown;
  /** `IPAddressPool metallb-system/default`, for reports. */
  readonly source: string;
}

/**
 * Parses a YAML (or JSON) stream. Throws a CliError naming the file and line on a syntax
 * error; returns the non-empty documents.
 */
export function parseYamlStream(text: string, fileName: string): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const out: unknown[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const error = doc.errors[0];
    if (error) {
      const where = error.linePos?.[0];
      throw new CliError(
        CliErrorCode.input,
        `${fileName}${where ? `:${where.line}:${where.col}` : ''}: invalid YAML: ${(error.message.split('\n')[0] ?? '').replace(/:\s*$/, '')}`,
      );
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Annotations that describe the old object rather than the configuration. */
const droppedAnnotations = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

/**
 * Flattens `List` documents and picks the MetalLB objects; every other document is reported
 * as skipped (`info`).
 */
export function collectMetalLBObjects(documents: readonly unknown[], findings: Findings): MetalLBObject[] {
  const out: MetalLBObject[] = [];
  const visit = (doc: unknown, where: string): void => {
    if (!isRecord(doc)) {
      findings.add('info', where, 'not a Kubernetes object; skipped');
      return;
    }
    const apiVersion = typeof doc['apiVersion'] === 'string' ? doc['apiVersion'] : '';
    const kind = typeof doc['kind'] === 'string' ? doc['kind'] : '';
    if (Array.isArray(doc['items']) && (kind === 'List' || kind.endsWith('List'))) {
      doc['items'].forEach((item, i) => visit(item, `${where} item ${i + 1}`));
      return;
    }
    const metadata = isRecord(doc['metadata']) ? doc['metadata'] : {};
    const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
    const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined;
    const label = `${kind || 'object'} ${namespace ? `${namespace}/` : ''}${name || '(no name)'}`;
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    if (group === LEGACY_METALLB_GROUP) {
      findings.add(
        'unconvertible',
        label,
        `${apiVersion} is a pre-0.13 MetalLB API; convert it to metallb.io/v1beta1 objects first (MetalLB's configmaptocrs)`,
      );
      return;
    }
    if (kind === 'ConfigMap' && namespace === 'metallb-system' && name === 'config') {
      findings.add(
        'unconvertible',
        label,
        "MetalLB's legacy ConfigMap configuration (before 0.13); convert it to CRs with MetalLB's configmaptocrs first",
      );
      return;
    }
    if (group !== METALLB_GROUP) {
      findings.add(
        'info',
        label,
        `${apiVersion || 'no apiVersion'} ${kind}: not MetalLB configuration; skipped`,
      );
      return;
    }
    if (!name) {
      findings.add('unconvertible', label, 'the object has no metadata.name; skipped');
      return;
    }
    const annotations = stringMap(metadata['annotations']);
    for (const key of droppedAnnotations) delete annotations?.[key];
    out.push({
      version: version ?? '',
      kind,
      name,
      namespace,
      labels: stringMap(metadata['labels']),
      annotations: annotations && Object.keys(annotations).length > 0 ? annotations : undefined,
      spec: doc['spec'],
      source: label,
    });
  };
  documents.forEach((doc, i) => visit(doc, `document ${i + 1}`));
  return out;
}

/** The metadata of the IronLB object made from `obj` (cluster-scoped: no namespace). */
export function convertedMetadata(obj: MetalLBObject, name: string = obj.name): ObjectMeta {
  return {
    name,
    ...(obj.labels ? { labels: { ...obj.labels } } : {}),
    ...(obj.annotations ? { annotations: { ...obj.annotations } } : {}),
  };
}
