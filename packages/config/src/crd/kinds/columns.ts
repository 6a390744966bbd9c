import { ageColumn, validColumn } from '../common-schemas.js';
import type { PrinterColumn } from '../schema-dsl.js';

/** The last columns of every configuration kind: whether it is valid, and its age. */
export const configStatusColumns: readonly PrinterColumn[] = [validColumn, ageColumn];
