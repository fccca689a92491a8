import { ValidationError } from '@mpanel/sdk';

/** An uploaded or mailed file before it is stored. */
export interface IncomingFile {
  filename: string;
  content: Buffer;
}

/**
 * The content type a file is served with, from its extension only (never what the uploader
 * claimed): nothing here renders as HTML or script in a browser, and the rest is a download.
 */
const SAFE_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  pdf: 'application/pdf', txt: 'text/plain; charset=utf-8', log: 'text/plain; charset=utf-8', csv: 'text/csv; charset=utf-8',
  zip: 'application/zip', gz: 'application/gzip', json: 'application/json',
};

export const extensionOf = (filename: string): string => /\.([A-Za-z0-9]{1,10})$/.exec(filename)?.[1]?.toLowerCase() ?? '';

export const safeContentType = (filename: string): string => SAFE_TYPES[extensionOf(filename)] ?? 'application/octet-stream';

/** The last path segment without control characters or quotes, at most 200 characters. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"<>]/g, '').trim().slice(-200);
  return clean || 'attachment';
}

export interface AttachmentLimits {
  attachmentMaxBytes: number;
  attachmentExtensions: string[];
}

/** Refuses a file that is too large or of a type the tenant does not accept (400, naming the file). */
export function checkFile(file: IncomingFile, limits: AttachmentLimits, field = 'attachments'): void {
  const name = cleanFilename(file.filename);
  if (file.content.length > limits.attachmentMaxBytes) {
    throw new ValidationError({ [field]: `"${name}" is larger than ${limits.attachmentMaxBytes} bytes` });
  }
  if (!limits.attachmentExtensions.includes(extensionOf(name))) {
    throw new ValidationError({ [field]: `"${name}": files of this type are not accepted (${limits.attachmentExtensions.join(', ')})` });
  }
}

/** `Content-Disposition: attachment` with the name in both the ASCII and the RFC 5987 form. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
