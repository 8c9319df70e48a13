import { cleanTransactions, cohortTable, summarize } from 'clmkit';

const log = [
  { customerId: 'ann', timestamp: '2024-01-03', amount: 40 },
  { customerId: 'ann', timestamp: '2024-02-11', amount: 25 },
  { customerId: 'bob', timestamp: '2024-01-20', amount: 90 },
  { customerId: 'bob', timestamp: 'not a date', amount: 10 },
];
const { transactions, report } = cleanTransactions(log); // removes and counts the bad row
const summary = summarize(transactions, { unit: 'week', observationEnd: '2024-03-31' });
console.log(report.keptRows, summary.customerId, summary.frequency, summary.T);
console.log(cohortTable(transactions, { period: 'month' }).retention);
