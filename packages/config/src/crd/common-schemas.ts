// Schema pieces shared by several kinds: label selectors, conditions, object references.
import { patterns } from './patterns.js';
import { array, integer, map, object, string } from './schema-dsl.js';
import type { ArraySchema, ObjectSchema, StringSchema } from './schema-dsl.js';

export const labelSelectorRequirement = object(
  {
    key: string('The label key the selector applies to.', {
      pattern: patterns.labelKey,
      patternDoc: 'a label key: optional DNS-subdomain prefix and `/`, then a name of 1-63 characters',
      maxLength: 317,
    }),
    operator: string('How the key relates to the values.', {
      enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'],
    }),
    values: array(
      string('A label value.', {
        pattern: patterns.labelValue,
        patternDoc: 'a label value',
        maxLength: 63,
      }),
      'The values for `In` and `NotIn` (at least one); must be empty for `Exists` and `DoesNotExist`.',
      { listType: 'atomic' },
    ),
  },
  'A label selector requirement: a key, an operator and values.',
  { required: ['key', 'operator'], typeName: 'LabelSelectorRequirement' },
);

export const labelSelector = object(
  {
    matchLabels: map(
      string('A label value.', { pattern: patterns.labelValue, patternDoc: 'a label value', maxLength: 63 }),
      'Labels that must all be present with exactly these values.',
    ),
    matchExpressions: array(labelSelectorRequirement, 'Requirements that must all hold.', {
      listType: 'atomic',
    }),
  },
  'A Kubernetes label selector. All of matchLabels and matchExpressions must hold; an empty selector matches everything.',
  { typeName: 'LabelSelector' },
);

/** A list of selectors that match when any of them matches (OR). */
export function selectorList(description: string): ArraySchema {
  return array(labelSelector, description, { listType: 'atomic' });
}

export function objectName(description: string): StringSchema {
  return string(description, {
    pattern: patterns.objectName,
    patternDoc: 'an object name (RFC 1123 DNS subdomain)',
    maxLength: 253,
  });
}

export function nameList(description: string): ArraySchema {
  return array(objectName('The name of an object.'), description, { listType: 'set' });
}

export const condition = object(
  {
    type: string('Condition type, e.g. `Valid`.', {
      pattern: patterns.conditionType,
      patternDoc: 'a condition type',
      maxLength: 316,
    }),
    status: string('Whether the condition holds.', { enum: ['True', 'False', 'Unknown'] }),
    observedGeneration: integer('The `metadata.generation` the condition was computed from.', {
      format: 'int64',
      minimum: 0,
    }),
    lastTransitionTime: string('When `status` last changed.', { format: 'date-time' }),
    reason: string('A camelCase reason, stable API (see "Problem reasons").', {
      pattern: patterns.conditionReason,
      patternDoc: 'a reason identifier',
      minLength: 1,
      maxLength: 1024,
    }),
    message: string('A human-readable explanation.', { maxLength: 32768 }),
  },
  'The state of one aspect of the object (metav1.Condition).',
  { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'], typeName: 'Condition' },
);

export function conditionList(description: string): ArraySchema {
  return array(condition, description, { listType: 'map', listMapKeys: ['type'] });
}

export const conditions = conditionList(
  'Conditions written by the controller. `Valid` tells whether the current spec is in use; when it is `False`, ' +
    'the reason and message say why, and the last valid version of the object stays in effect.',
);

export const observedGeneration = integer('The `metadata.generation` that the status describes.', {
  format: 'int64',
  minimum: 0,
});

/** The status of configuration kinds: only conditions, written by the controller. */
export function configStatus(typeName: string, description: string): ObjectSchema {
  return object({ observedGeneration, conditions }, description, { typeName });
}

/** A printer column showing the status of the `Valid` condition. */
export const validColumn = {
  name: 'Valid',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Valid")].status',
  description: 'Whether the current spec is valid and in use.',
} as const;

export const ageColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since creation.',
} as const;
