/**
 * Screens described as data: a list screen (ListPage's props) and a simple create screen
 * (CreatePage's props), with the small helpers their descriptions use. The host's platform lists
 * and a plugin's lists are written the same way.
 */
import type { Column, Filter } from './DataList.vue';
import type { FieldSpec } from './FieldsForm.vue';

/** A form's values by field name. */
export type FormValues = Record<string, string | boolean>;

export interface ListScreen {
  /** i18n keys: title, column and filter labels, the create link's label. */
  title: string;
  endpoint: string;
  columns: Column[];
  filters?: Filter[];
  searchable?: boolean;
  searchParam?: string;
  rowLink?: (row: Record<string, unknown>) => string;
  create?: { to: string; label: string; permission: string };
}

export interface CreateScreen {
  title: string;
  endpoint: string;
  fields: FieldSpec[];
  toBody: (values: FormValues) => Record<string, unknown>;
  next: (created: Record<string, unknown>) => string;
  back: string;
  permission: string;
}

/** Select options whose labels are their values: `choices('percent', 'fixed')`. */
export const choices = (...values: string[]) => values.map((value) => ({ value, label: value }));

/** The values without empty strings, trimmed: empty optional fields are left out of a body. */
export function filled(values: FormValues): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(values)) if (v !== '') out[k] = typeof v === 'string' ? v.trim() : v;
  return out;
}

/** The link to a row's detail page: `rowLinkTo('clients')` → `/clients/<id>`. */
export const rowLinkTo = (base: string) => (row: Record<string, unknown>) => `/${base}/${String(row.id)}`;
