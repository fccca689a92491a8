import type { JsonSchema } from '@mpanel/sdk';
import type { RegisteredRoute } from './route-registry.ts';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, details: { type: 'object', additionalProperties: { type: 'string' } } },
};

function parametersOf(route: RegisteredRoute): unknown[] {
  const params: unknown[] = [];
  for (const [, name] of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    const props = (route.schema?.params?.properties ?? {}) as Record<string, JsonSchema>;
    params.push({ name, in: 'path', required: true, schema: props[name!] ?? { type: 'string' } });
  }
  const query = route.schema?.query;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  for (const [name, schema] of Object.entries((query?.properties ?? {}) as Record<string, JsonSchema>)) {
    params.push({ name, in: 'query', required: required.has(name), schema });
  }
  return params;
}

/** The OpenAPI 3.1 document of every registered route. */
export function buildOpenApi(routes: RegisteredRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: route.summary,
      tags: route.tags ?? [route.owner],
      parameters: parametersOf(route),
      security: route.public ? [] : [{ bearer: [] }],
      'x-permission': route.permission ?? null,
      'x-owner': route.owner,
      'x-scope': route.scope ?? (route.public ? 'public' : 'admin'),
      responses: {
        [String(route.successStatus ?? 200)]: {
          description: 'Success',
          content: { 'application/json': { schema: { type: 'object', properties: { data: route.schema?.response ?? {} } } } },
        },
        default: { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
      },
    };
    if (route.schema?.body) {
      op.requestBody = { required: true, content: { 'application/json': { schema: route.schema.body } } };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'mPanel API', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
