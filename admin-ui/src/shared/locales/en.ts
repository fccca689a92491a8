export const en = {
  app: { skip: 'Skip to content', admin: 'Admin', portal: 'Client portal', signOut: 'Sign out', menu: 'Main menu', signedInAs: 'Signed in as {email}' },
  login: {
    title: 'Sign in',
    email: 'Email',
    password: 'Password',
    tenant: 'Company (optional)',
    submit: 'Sign in',
    totpTitle: 'Two-factor authentication',
    totpHelp: 'Enter the 6-digit code from your authenticator app, or a recovery code.',
    totp: 'Authentication code',
    verify: 'Verify',
    back: 'Back',
  },
  state: { loading: 'Loading…', empty: 'Nothing here yet.', error: 'Something went wrong.', retry: 'Try again', forbidden: 'You do not have access to this page.', notFound: 'Page not found.' },
  list: { search: 'Search', previous: 'Previous page', next: 'Next page', page: 'Page {page} of {pages}', total: '{total} results', perPage: 'Rows per page', status: 'Status', any: 'Any' },
  form: { save: 'Save', saved: 'Saved', cancel: 'Cancel', create: 'Create', secretSet: 'A value is stored; leave empty to keep it', required: 'required' },
  nav: {
    overview: 'Overview', billing: 'Billing', platform: 'Platform', plugins: 'Plugins',
    dashboard: 'Dashboard', users: 'Users', roles: 'Roles', tenants: 'Tenants', pluginList: 'Plugins', webhooks: 'Webhooks', jobs: 'Failed jobs', audit: 'Audit log',
    clients: 'Clients', products: 'Products', orders: 'Orders', invoices: 'Invoices', services: 'Services',
    portalHome: 'Home', portalInvoices: 'Invoices', portalServices: 'Services',
  },
  dashboard: {
    title: 'Dashboard', revenue: 'Revenue this month', mrr: 'Monthly recurring revenue', unpaid: 'Unpaid invoices', overdue: 'Overdue invoices',
    activeServices: 'Active services', failedJobs: 'Failed jobs', pluginProblems: 'Plugin problems', unavailable: 'not available',
  },
  users: { title: 'Users', email: 'Email', roles: 'Roles', status: 'Status', created: 'Created', new: 'New user', password: 'Password' },
  roles: { title: 'Roles and permissions', role: 'Role', level: 'Level', permission: 'Permission', matrix: 'Permission matrix' },
  tenants: { title: 'Tenants', name: 'Name', slug: 'Slug', status: 'Status' },
  plugins: {
    title: 'Plugins', name: 'Plugin', version: 'Version', status: 'Status', error: 'Error', enable: 'Enable', disable: 'Disable', settings: 'Settings',
    settingsTitle: '{name} settings', noSettings: 'This plugin has no settings.', loadFailed: 'The plugin "{id}" could not be shown: {error}', timeout: 'timed out',
  },
  billing: {
    clients: 'Clients', products: 'Products', orders: 'Orders', invoices: 'Invoices', services: 'Services',
    name: 'Name', email: 'Email', company: 'Company', country: 'Country', number: 'Number', status: 'Status', total: 'Total', due: 'Due', amountDue: 'Amount due',
    type: 'Type', cycle: 'Cycle', amount: 'Amount', nextDue: 'Next due', created: 'Created', client: 'Client', product: 'Product',
  },
  webhooks: { title: 'Webhooks', url: 'URL', events: 'Events', active: 'Active' },
  jobs: { title: 'Failed jobs', name: 'Job', error: 'Error', attempts: 'Attempts', retry: 'Retry', retried: 'Job queued again' },
  audit: { title: 'Audit log', action: 'Action', actor: 'Actor', target: 'Target', when: 'When', ip: 'IP' },
  portal: { welcome: 'Welcome, {name}', openInvoices: 'Open invoices', balance: 'Amount due', invoices: 'Your invoices', services: 'Your services', download: 'Download PDF' },
};

export type Messages = typeof en;
