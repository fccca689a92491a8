/** The tickets area's texts (English is the source locale): `t('support.…')`, menu labels under `nav.*`. */
export const en = {
  nav: { support: 'Support', tickets: 'Tickets', 'ticket-departments': 'Departments', 'canned-replies': 'Canned replies', portalTickets: 'Support tickets' },
  support: {
    tickets: 'Tickets', myTickets: 'Your support tickets', openTicket: 'Open a ticket', number: 'No.', subject: 'Subject', status: 'Status',
    priority: 'Priority', department: 'Department', assignee: 'Assignee', sla: 'SLA', updated: 'Updated', message: 'Message', attachments: 'Attachments',
    send: 'Send', reply: 'Reply', internalNote: 'Internal note (staff only)', cannedReply: 'Insert a canned reply', close: 'Close ticket', closed: 'This ticket is closed.',
    rate: 'How did we do?', rated: 'Thank you for your rating.', rating: 'Rating', merge: 'Merge into ticket', mergeTarget: 'Ticket id to merge into', assign: 'Assign',
    unassigned: 'Unassigned', me: 'Me', save: 'Save', create: 'Create', name: 'Name', email: 'Mail address', body: 'Text', title: 'Title',
    clientVisible: 'Visible to clients', roundRobin: 'Round robin', unknownSenders: 'Unknown senders', departments: 'Departments', cannedReplies: 'Canned replies',
    newDepartment: 'New department', newCannedReply: 'New canned reply', placeholders: 'Placeholders: {list}', collision: '{name} is answering this ticket too.',
    answeredMeanwhile: 'Another staff member answered meanwhile: reload to read it, or send anyway.', sendAnyway: 'Send anyway', staff: 'Staff', client: 'You', system: 'System',
    noTickets: 'No tickets yet.', sent: 'Sent.', opened: 'Ticket opened.', download: 'Download', delete: 'Delete',
    statuses: { open: 'Open', answered: 'Answered', customer_reply: 'Customer reply', on_hold: 'On hold', closed: 'Closed' },
    priorities: { low: 'Low', medium: 'Medium', high: 'High', urgent: 'Urgent' },
    slaStates: { ok: 'On time', warning: 'Warning', breached: 'Breached' },
  },
};
