/** English texts of the forecasts panel (vue-i18n: `t('forecasts.…')`). */
export const en = {
  forecasts: {
    title: 'Forecasts',
    revenue: 'Revenue',
    mrr: 'MRR',
    nextMonths: 'Next months ({confidence}% interval)',
    basedOn: 'Based on: {method}, {points} data points, {from} to {to}',
    noHistory: 'No billing history yet.',
    churn: 'Churn risk',
    churnBasedOn: 'Based on: {method}, {points} clients ({churned} who left)',
    noClients: 'No clients with live services.',
    capacity: 'Server capacity',
    capacityBasedOn: 'Based on: daily samples of the last 90 days, linear trend',
    noServers: 'No servers.',
    accountsFull: 'accounts full in',
    diskFull: 'disk full in',
    days: '{n} days',
    never: 'not at this pace',
  },
};
