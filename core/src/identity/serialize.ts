/** Rows are snake_case, the API is camelCase: `{ tenant_id }` → `{ tenantId }`, dates as ISO strings. */
export function toApi<T extends object>(row: T, omit: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (omit.includes(key)) continue;
    out[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

/** Page arithmetic for `?page=&perPage=`. */
export function pageOf(query: { page?: number; perPage?: number }): { page: number; perPage: number; offset: number } {
  const page = query.page ?? 1;
  const perPage = query.perPage ?? 20;
  return { page, perPage, offset: (page - 1) * perPage };
}

export const uuidParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;
