import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { ValidationError, type JsonSchema } from '@mpanel/sdk';

function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes, useDefaults: true, strict: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  // PostgreSQL has no year 0 (ajv-formats accepts it): "0000-01-01" would be a 500, not a 400.
  for (const name of ['date', 'date-time'] as const) {
    const format = fullFormats[name] as { validate: (s: string) => boolean; compare: (a: string, b: string) => number | undefined };
    ajv.addFormat(name, { type: 'string', validate: (s: string) => !/^0000/.test(s) && format.validate(s), compare: format.compare });
  }
  return ajv;
}

// Path params and query strings arrive as text: coerce them. JSON bodies keep their types.
const coercing = makeAjv(true);
const exact = makeAjv(false);

export type Validator = (value: unknown) => unknown;

function fieldOf(err: ErrorObject, prefix: string): string {
  const path = err.instancePath.split('/').filter(Boolean).join('.');
  const missing = err.keyword === 'required' ? String((err.params as { missingProperty: string }).missingProperty) : '';
  const extra = err.keyword === 'additionalProperties' ? String((err.params as { additionalProperty: string }).additionalProperty) : '';
  const name = [path, missing || extra].filter(Boolean).join('.');
  return name || prefix;
}

function messageOf(err: ErrorObject): string {
  if (err.keyword === 'required') return 'is required';
  if (err.keyword === 'additionalProperties') return 'is not allowed';
  if (err.keyword === 'enum') return `must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return err.message ?? 'is invalid';
}

/** Maps ajv errors to `{ "items.0.productId": "must be string" }`, the first message per field. */
export function toDetails(errors: ErrorObject[], prefix: string): Record<string, string> {
  const details: Record<string, string> = {};
  for (const err of errors) {
    const field = fieldOf(err, prefix);
    details[field] ??= messageOf(err);
  }
  return details;
}

/**
 * Compiles a schema into a function that returns the (coerced, defaulted) value or throws a
 * 400 ValidationError naming each bad field.
 */
export function compileValidator(schema: JsonSchema, part: 'params' | 'query' | 'body'): Validator {
  const ajv = part === 'body' ? exact : coercing;
  // Compiled on the route's first request: compiling all ~900 route schemas cost ~0.6 s of every
  // start (issue 23), and most routes of a given process are never called.
  let compiled: ValidateFunction | undefined;
  return (value) => {
    const validate = (compiled ??= ajv.compile(schema));
    const target = value ?? (part === 'body' ? undefined : {});
    if (part === 'body' && target === undefined) {
      if (validate({})) return {};
      throw new ValidationError({ body: 'is required' });
    }
    if (!validate(target)) throw new ValidationError(toDetails(validate.errors ?? [], part));
    return target;
  };
}
