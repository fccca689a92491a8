/** The values a canned reply's `{{placeholders}}` take for one ticket. */
export interface CannedValues {
  'client.name': string;
  'client.firstName': string;
  'client.email': string;
  'ticket.number': string;
  'ticket.subject': string;
  'department.name': string;
  'staff.name': string;
}

export const PLACEHOLDERS: Array<keyof CannedValues> = ['client.name', 'client.firstName', 'client.email', 'ticket.number', 'ticket.subject', 'department.name', 'staff.name'];

/**
 * Fills `{{ client.name }}` style placeholders; an unknown one is left as written so staff see the
 * typo before sending. The result is plain text (shown as text, mailed as text): nothing to escape.
 */
export function renderCanned(body: string, values: CannedValues): string {
  return body.replace(/\{\{\s*([a-zA-Z]+\.[a-zA-Z]+)\s*\}\}/g, (whole, key: string) => (key in values ? values[key as keyof CannedValues] : whole));
}
