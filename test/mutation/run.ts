/**
 * `npm run mutate`: breaks the package on purpose, one change at a time, and reports whether the
 * test suite notices. On demand, not in CI (each mutation runs the tests that guard it).
 *
 *   npm run mutate                  every mutation, against the test files it names
 *   npm run mutate -- cap redaction only the mutations whose names contain these words
 *   npm run mutate -- --full        every mutation against the whole suite (slow)
 *
 * The list keeps to behaviours that matter: money, idempotency, secrets, limits and dates. A
 * mutation whose text is no longer found fails loudly, so the list cannot rot silently. Files are
 * restored after each run, also when interrupted.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Mutation {
	name: string;
	/** What breaks, in words. */
	what: string;
	file: string;
	find: string;
	replace: string;
	/** The test files that should catch it. */
	tests: string[];
}

const MUTATIONS: Mutation[] = [
	{
		name: 'redaction-off',
		what: 'secret redaction switched off in all three transports (and URL userinfo, bearer tokens)',
		file: 'nodes/shared/redact.ts',
		find: 'export function redactSecrets(text: string, secrets: Array<string | undefined>): string {',
		replace: 'export function redactSecrets(text: string, secrets: Array<string | undefined>): string {\n\treturn text;',
		tests: ['test/reliability/redaction.test.ts', 'test/odoo/transport.test.ts'],
	},
	{
		name: 'redaction-url-off',
		what: 'userinfo and bearer tokens no longer removed from messages',
		file: 'nodes/shared/redact.ts',
		find: 'export function redactUrlUserinfo(text: string): string {',
		replace: 'export function redactUrlUserinfo(text: string): string {\n\treturn text;',
		tests: ['test/reliability/redaction.test.ts', 'test/onboarding/messages.test.ts'],
	},
	{
		name: 'userinfo-accepted',
		what: 'a credential URL with a user name and password is used instead of refused',
		file: 'nodes/shared/redact.ts',
		find: '\tif (urlUserinfo(url) === undefined) return;',
		replace: '\treturn;',
		tests: ['test/onboarding/messages.test.ts'],
	},
	{
		name: 'payment-cap-removed',
		what: 'the cap at the open balance removed from Payment → Register',
		file: 'nodes/OdooErp/actions/payment/register.operation.ts',
		find: '\t\t\tif (cap && amount > inv.amount_residual) amount = inv.amount_residual;',
		replace: '',
		tests: ['test/templates/invoice-payments-and-export.test.ts'],
	},
	{
		name: 'overpayment-allowed',
		what: 'a payment above the open balance is no longer refused',
		file: 'nodes/OdooErp/actions/payment/register.operation.ts',
		find: '\t\t\tif (amount > inv.amount_residual + 0.005) throw',
		replace: '\t\t\tif (amount > inv.amount_residual + 1e9) throw',
		tests: ['test/templates/invoice-payments-and-export.test.ts', 'test/reliability/bad-input.test.ts'],
	},
	{
		name: 'retry-5xx-non-idempotent',
		what: '502/504 answers retried for requests that are not safe to repeat',
		file: 'nodes/shared/http.ts',
		find: 'if (status >= 500 && !own && o.idempotent && !last) {',
		replace: 'if (status >= 500 && !own && !last) {',
		tests: ['test/odoo/transport.test.ts'],
	},
	{
		name: 'retry-reset-non-idempotent',
		what: 'dropped connections and timeouts retried for requests that are not safe to repeat',
		file: 'nodes/shared/http.ts',
		find: 'const safe = !unknown || (o.idempotent && ',
		replace: 'const safe = true || (o.idempotent && ',
		tests: ['test/odoo/transport.test.ts'],
	},
	{
		name: 'tax-excluded-1pct',
		what: 'price-excluded percent taxes computed 1 % too high',
		file: 'nodes/OdooErp/helpers/taxEngine.ts',
		find: 'return priceInclude ? base - base / (1 + tax.amount / 100) : (base * tax.amount) / 100;',
		replace: 'return priceInclude ? base - base / (1 + tax.amount / 100) : (base * tax.amount * 1.01) / 100;',
		tests: ['test/odoo/tax-engine.test.ts', 'test/templates/pixelpoint-order-import.test.ts'],
	},
	{
		name: 'rounding-tolerance-ignored',
		what: 'any drift between Odoo and PixelPoint put on the rounding product',
		file: 'nodes/OdooErp/helpers/posOrderBuild.ts',
		find: 'if (Math.abs(drift) > c.tolerance + 1e-9) {',
		replace: 'if (Math.abs(drift) > c.tolerance + 1e9) {',
		tests: ['test/reliability/bad-input.test.ts'],
	},
	{
		name: 'limiter-over-20',
		what: 'the Procountor limiter lets 25 requests a second through',
		file: 'nodes/Procountor/transport/index.ts',
		find: 'new RateLimiter(Math.max(1, perSecond - 1), 1030)',
		replace: 'new RateLimiter(perSecond + 5, 1000)',
		tests: ['test/templates/procountor.test.ts'],
	},
	{
		name: 'upsert-rewrites-unchanged',
		what: 'Skip Unchanged writes every row again (re-runs bump write dates)',
		file: 'nodes/OdooErp/helpers/upsert.ts',
		find: '\tif (opts.skipUnchanged && existing.size) {',
		replace: '\tif (false) {',
		tests: ['test/templates/pixelpoint-master-data.test.ts', 'test/odoo/upsert.workflow.test.ts'],
	},
	{
		name: 'session-entries-not-dated',
		what: "a session closed days later keeps the closing day's date on its entries",
		file: 'nodes/OdooErp/helpers/posSessions.ts',
		find: "\tlet todo = moves.filter((m) => m.date !== businessDate || m.state !== 'posted' || offMoves.has(m.id));",
		replace: '\tlet todo = moves.filter(() => false);',
		tests: ['test/templates/pixelpoint-order-import.test.ts', 'test/templates/month-end.test.ts'],
	},
	{
		name: 'reconciliation-not-redone',
		what: 'the POS receivable is left open after re-dating a session',
		file: 'nodes/OdooErp/helpers/posSessions.ts',
		find: '\tawait reconcileAgain(client, moves.map((m) => m.id));',
		replace: '',
		tests: ['test/templates/pixelpoint-order-import.test.ts', 'test/templates/month-end.test.ts'],
	},
	{
		name: 'new-number-not-taken',
		what: "a re-dated entry keeps its old month's number (Odoo refuses it)",
		file: 'nodes/OdooErp/helpers/posSessions.ts',
		find: "args: [{ date: businessDate, name: '/' }]",
		replace: 'args: [{ date: businessDate }]',
		tests: ['test/templates/month-end.test.ts'],
	},
	{
		name: 'cursor-passes-failed-invoices',
		what: "a store's cursor moves past invoices that failed for a reason that may pass (the issue's lost revenue)",
		file: 'workflows/pixelpoint-order-import.json',
		find: 'new Date(hold && Date.parse(hold) < newest[s] ? Date.parse(hold) : newest[s]).toISOString()',
		replace: 'new Date(newest[s]).toISOString()',
		tests: ['test/templates/nothing-lost.test.ts'],
	},
	{
		name: 'failures-not-kept-waiting',
		what: 'a failed item is not put on the waiting list',
		file: 'nodes/OdooErp/helpers/syncState.ts',
		find: '\t\tif (r.error) {\n\t\t\tconst next: WaitingItem = {',
		replace: '\t\tif (false) {\n\t\t\tconst next: WaitingItem = {',
		tests: ['test/templates/nothing-lost.test.ts'],
	},
	{
		name: 'later-days-not-held',
		what: "a store's later business days are imported while an earlier day has invoices that may still import (closing its session for good)",
		file: 'nodes/OdooErp/actions/posOrder/import.operation.ts',
		find: 'if (!held && (!o?.error || o.retryable !== true)) continue;',
		replace: 'continue;',
		tests: ['test/templates/nothing-lost.test.ts'],
	},
	{
		name: 'unreachable-customer-sent',
		what: 'an invoice is sent by mail to a customer without a postal address',
		file: 'nodes/Procountor/helpers/salesInvoice.ts',
		find: "if ((channel === 'MAIL' || channel === 'PAPER_INVOICE') && !postal) {",
		replace: 'if (false) {',
		tests: ['test/templates/procountor-schema.test.ts'],
	},
	{
		name: 'every-customer-finnish',
		what: 'customers abroad go to Procountor as Finnish',
		file: 'nodes/Procountor/helpers/salesInvoice.ts',
		find: '\tconst name = procountorCountry(iso);',
		replace: "\tconst name = 'FINLAND';",
		tests: ['test/templates/procountor-schema.test.ts'],
	},
	{
		name: 'counted-cash-short',
		what: 'the cash counted at a close leaves out one cash payment (Odoo then posts a cash difference)',
		file: 'nodes/OdooErp/helpers/posSessions.ts',
		find: 'payments.reduce((s, p) => s + p.amount, 0)',
		replace: 'payments.slice(1).reduce((s, p) => s + p.amount, 0)',
		tests: ['test/templates/cash-control.test.ts'],
	},
	{
		name: 'company-context-dropped-on-writes',
		what: "writes no longer carry the credential's company (allowed_company_ids)",
		file: 'nodes/OdooErp/transport/index.ts',
		find: '\t\tif (!opts.anyCompany) {',
		replace: "\t\tif (!opts.anyCompany && method !== 'write') {",
		tests: ['test/odoo/company-context.test.ts'],
	},
	{
		name: 'summary-in-process-unpaid',
		what: "the session summary treats 18/19's in_process payments as not paid",
		file: 'nodes/OdooErp/helpers/sessionPayments.ts',
		find: "['state', 'not in', ['draft', 'cancel', 'canceled', 'rejected']]",
		replace: "['state', 'not in', ['draft', 'cancel', 'canceled', 'rejected', 'in_process']]",
		tests: ['test/templates/counter-api.test.ts'],
	},
	{
		name: 'audit-drops-failed',
		what: 'the audit record no longer counts failed items',
		file: 'nodes/OdooErp/helpers/audit.ts',
		find: "'archived', 'skipped', 'failed', 'sent'",
		replace: "'archived', 'skipped', 'sent'",
		tests: ['test/templates/nothing-lost.test.ts'],
	},
	{
		name: 'payment-events-201',
		what: 'payment events asked for 201 invoices in one call (Procountor takes 200)',
		file: 'nodes/Procountor/actions/paymentEvent/getMany.operation.ts',
		find: 'const part = ids.slice(k, k + 200);',
		replace: 'const part = ids.slice(k, k + 201);',
		tests: ['test/procountor/payment-events-batches.test.ts'],
	},
	{
		name: 'canonical-in-payment-pending',
		what: "the canonical export maps Odoo's in_payment to PENDING",
		file: 'nodes/OdooErp/actions/invoice/getManyCanonical.operation.ts',
		find: "r.payment_state === 'paid' || r.payment_state === 'in_payment' ? 'INTEGRATED'",
		replace: "r.payment_state === 'paid' ? 'INTEGRATED'",
		tests: ['test/odoo/canonical-status.test.ts'],
	},
	{
		name: 'payment-date-left-on-close-day',
		what: "on 18/19 the combined payments of a session closed after its day keep the closing day as their own date",
		file: 'nodes/OdooErp/transport/dialect.ts',
		find: 'paymentOwnDate: version >= 18,',
		replace: 'paymentOwnDate: false,',
		tests: ['test/templates/month-end.test.ts'],
	},
	{
		name: 'accountant-matching-undone',
		what: "re-dating drafts an entry an accountant matched with a bank statement line (undoing the matching)",
		file: 'nodes/OdooErp/helpers/posSessions.ts',
		find: '\tif (!parts.length) return [];',
		replace: '\tif (parts.length >= 0) return [];',
		tests: ['test/templates/month-end.test.ts'],
	},
	{
		name: 'parallel-closes-at-once',
		what: "the order import's parallel lanes close their stores' earlier days at the same time (two closes in one company collide on real Odoo with workers)",
		file: 'nodes/OdooErp/helpers/posOrderSend.ts',
		find: '		const run = lastClose.then(close, close);',
		replace: '		const run = close();',
		tests: ['test/templates/pixelpoint-order-import.test.ts'],
	},
	{
		name: 'entry-number-collision-not-retried',
		what: "Odoo's rolled-back refusal of an entry number another transaction took at the same time is not retried",
		file: 'nodes/OdooErp/transport/index.ts',
		find: "(data.name === 'odoo.exceptions.ValidationError' && CONCURRENT_ENTRY_NAME.test(data.message.trim()))",
		replace: '(data.name === CONCURRENT_ENTRY_NAME.source)',
		tests: ['test/templates/pixelpoint-order-import.test.ts'],
	},
];

function runJest(tests: string[]): { ok: boolean; summary: string } {
	const r = spawnSync('npx', ['jest', '--silent', ...tests], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
	const text = `${r.stdout}\n${r.stderr}`;
	const summary = /Tests:\s+(.*)/.exec(text)?.[1]?.trim() ?? `exit ${r.status}`;
	return { ok: r.status === 0, summary };
}

function main(): void {
	const args = process.argv.slice(2);
	const full = args.includes('--full');
	const words = args.filter((a) => !a.startsWith('--'));
	const chosen = MUTATIONS.filter((m) => !words.length || words.some((w) => m.name.includes(w)));
	if (!chosen.length) throw new Error(`No mutation matches ${words.join(', ')}: ${MUTATIONS.map((m) => m.name).join(', ')}`);
	const rows: string[][] = [];
	let restore: (() => void) | undefined;
	const onSignal = () => {
		restore?.();
		process.exit(130);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	for (const m of chosen) {
		const file = path.join(ROOT, m.file);
		const original = fs.readFileSync(file, 'utf8');
		const at = original.split(m.find).length - 1;
		if (at !== 1) throw new Error(`${m.name}: the text to change is found ${at} times in ${m.file} (expected once): update the mutation`);
		restore = () => fs.writeFileSync(file, original);
		fs.writeFileSync(file, original.replace(m.find, m.replace));
		const started = Date.now();
		let result: { ok: boolean; summary: string };
		try {
			result = runJest(full ? [] : m.tests);
		} finally {
			restore();
			restore = undefined;
		}
		const verdict = result.ok ? 'MISSED' : 'caught';
		rows.push([m.name, verdict, result.summary, `${((Date.now() - started) / 1000).toFixed(0)} s`, m.what]);
		process.stdout.write(`${verdict.padEnd(6)} ${m.name} — ${m.what} (${result.summary})\n`);
	}
	const missed = rows.filter((r) => r[1] === 'MISSED');
	process.stdout.write(`\n| mutation | verdict | tests | time | what breaks |\n|---|---|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`);
	process.stdout.write(`\n${rows.length - missed.length} of ${rows.length} mutations caught${missed.length ? `; missed: ${missed.map((r) => r[0]).join(', ')}` : ''}\n`);
	process.exitCode = missed.length ? 1 : 0;
}

main();
