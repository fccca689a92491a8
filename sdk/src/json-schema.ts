/** A JSON Schema object (draft 2020-12); validated with ajv. Apart so browser code typing manifests needs no server types. */
export type JsonSchema = Record<string, unknown>;
