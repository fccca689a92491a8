import { api } from '@mpanel/sdk/ui/vue';

/** A picked file as the API takes it (base64 in the JSON body). */
export async function toUpload(file: File): Promise<{ filename: string; contentBase64: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { filename: file.name, contentBase64: btoa(binary) };
}

/** The API wants the bearer token, so an attachment is fetched and handed to the browser as a download. */
export async function downloadAttachment(ticketId: string, a: { id: string; filename: string }): Promise<void> {
  const res = await api.request<Response>('GET', `/tickets/${ticketId}/attachments/${a.id}`, { raw: true });
  const url = URL.createObjectURL(await res.blob());
  Object.assign(document.createElement('a'), { href: url, download: a.filename }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface TicketMessage {
  id: string; authorKind: 'client' | 'staff' | 'system'; authorName: string | null; authorEmail: string | null; body: string; internal: boolean; createdAt: string;
  attachments: Array<{ id: string; filename: string; size: number }>;
}
export interface Ticket {
  id: string; number: number; subject: string; status: string; priority: string; department: string; departmentId: string; assigneeUserId?: string | null;
  rating: number | null; sla?: string; tags?: string[]; messages: TicketMessage[];
}
