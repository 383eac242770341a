// The HTML reports: a run's page (report.html) and the guarantees matrix (claims.html).
export { runReportHtml } from './run-report-page.ts';
export { claimsHtml, counterexampleReport } from './claims-page.ts';
