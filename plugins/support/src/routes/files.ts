import type { IncomingFile } from '../attachments/policy.ts';

/** Attachments in a JSON body: base64 (the platform's JSON body limit of 1 MB bounds one request). */
export const filesSchema = {
  type: 'array', maxItems: 10,
  items: {
    type: 'object', additionalProperties: false, required: ['filename', 'contentBase64'],
    properties: { filename: { type: 'string', minLength: 1, maxLength: 255 }, contentBase64: { type: 'string', maxLength: 1_400_000, pattern: '^[A-Za-z0-9+/]*={0,2}$' } },
  },
} as const;

export interface FileInput { filename: string; contentBase64: string }

export const decodeFiles = (files: FileInput[] | undefined): IncomingFile[] =>
  (files ?? []).map((f) => ({ filename: f.filename, content: Buffer.from(f.contentBase64, 'base64') }));
