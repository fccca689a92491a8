import type { JsonSchema, RouteInfo } from '@mpanel/sdk';
import type OpenAI from 'openai';
import { ALLOWED_ROUTES, type AllowedRoute } from './allow-list.ts';

/** An allow-listed route found in the registry, with the tool definition generated from its schemas. */
export interface AssistantTool {
  route: AllowedRoute;
  /** The path's `:name` parameters, in order. */
  pathParams: string[];
  hasQuery: boolean;
  hasBody: boolean;
  definition: OpenAI.Chat.Completions.ChatCompletionFunctionTool;
}

export type ToolCatalog = ReadonlyMap<string, AssistantTool>;

const PATH_PARAM = /:([A-Za-z0-9_]+)/g;

/**
 * The assistant's tools, generated from the route registry: for each allow-listed route that is
 * registered, a function whose parameters are the path's params, and the route's own `query` and
 * `body` schemas (so the model is told exactly what the route validates).
 */
export function buildToolCatalog(routes: RouteInfo[]): ToolCatalog {
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  const tools = new Map<string, AssistantTool>();
  for (const allowed of ALLOWED_ROUTES) {
    const route = byKey.get(`${allowed.method} ${allowed.path}`);
    if (!route || route.public) continue;
    tools.set(allowed.tool, toTool(allowed, route));
  }
  return tools;
}

function toTool(allowed: AllowedRoute, route: RouteInfo): AssistantTool {
  const pathParams = [...allowed.path.matchAll(PATH_PARAM)].map((m) => m[1]!);
  const paramSchemas = (route.schema?.params as { properties?: Record<string, JsonSchema> } | undefined)?.properties ?? {};
  const properties: Record<string, JsonSchema> = {};
  for (const name of pathParams) properties[name] = paramSchemas[name] ?? { type: 'string' };
  const required = [...pathParams];
  const query = route.schema?.query;
  const body = route.schema?.body;
  if (query) properties.query = query;
  if (body) {
    properties.body = body;
    if (((body as { required?: string[] }).required ?? []).length > 0) required.push('body');
  }
  const description = [
    allowed.label,
    route.summary && route.summary !== allowed.label ? `(${route.summary})` : '',
    allowed.kind === 'write' ? 'This is a change: it is only proposed to the user, who must confirm it before it runs.' : '',
  ].filter(Boolean).join(' ');
  return {
    route: allowed,
    pathParams,
    hasQuery: Boolean(query),
    hasBody: Boolean(body),
    definition: {
      type: 'function',
      function: { name: allowed.tool, description, parameters: { type: 'object', properties, required, additionalProperties: false } },
    },
  };
}
