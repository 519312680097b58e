/**
 * Reliability of the shipped templates, all together: a second pass changes nothing; the
 * payment fetch run twice at once pays once; and with 20% of requests to every system
 * answered 502, 429, reset or hung past the timeout, or processed and then their answer lost
 * (connection dropped, 502 or 504 after the work was done), the end state equals the fault-free one.
 */
import type { IDataObject } from 'n8n-workflow';
import { LOST_ANSWER_KINDS } from '../../sandbox/common/http';
import { expectSubstantial, recordPayments, run, runAll, snapshot, startWorld } from './world';

const counters = (o: Record<string, { summary: IDataObject[] }>, t: string) => o[t].summary[0] ?? {};

describe('Every shipped template', () => {
	test('run twice on the same data: the second pass creates, sends and pays nothing (the canonical sync re-sends only invoices paid in between)', async () => {
		const w = await startWorld();
		try {
			const first = await runAll(w);
			for (const [t, o] of Object.entries(first)) expect({ t, ok: o.ok, error: o.error }).toEqual({ t, ok: true, error: undefined });
			recordPayments(w);
			expect((await run(w, 'procountor-payments-to-odoo')).summary[0]).toMatchObject({ paid: 3 });
			const before = snapshot(w);
			expectSubstantial(before);
			const receivedBefore = w.sb.receiver.received.length;

			const second = await runAll(w);
			expect(counters(second, 'pixelpoint-master-data')).toMatchObject({ created: 0, updated: 0, failed: 0 });
			expect(counters(second, 'procountor-master-data')).toMatchObject({ created: 0, updated: 0, failed: 0 });
			expect(counters(second, 'pixelpoint-order-import')).toMatchObject({ created: 0, failed: 0 });
			expect(counters(second, 'pos-session-auto-close')).toMatchObject({ closed: 0, failed: 0 });
			expect(counters(second, 'odoo-invoices-to-procountor')).toMatchObject({ sent: 0, failed: 0 });
			expect(counters(second, 'procountor-payments-to-odoo')).toMatchObject({ paid: 0, failed: 0 });
			// Invoices paid between the passes: the two now paid changed (status INTEGRATED) and are sent again, once.
			// The one still partly paid reads the same; it comes again only if its write date left the cursor's second.
			const resent = w.sb.receiver.received.slice(receivedBefore) as IDataObject[];
			expect(counters(second, 'odoo-invoices-canonical-sync')).toMatchObject({ sent: resent.length, failed: 0 });
			const lines = resent.map((r) => `${(r.metadata as IDataObject).paymentState} ${r.status}`).sort();
			expect([['paid INTEGRATED', 'paid INTEGRATED'], ['paid INTEGRATED', 'paid INTEGRATED', 'partial PENDING']]).toContainEqual(lines);
			expect(counters({ third: await run(w, 'odoo-invoices-canonical-sync') }, 'third')).toMatchObject({ sent: 0, failed: 0 });
			// The counter API's sample payment carries an idempotency key: the same payment comes back.
			expect(second['pos-invoice-payment'].summary[1]).toMatchObject({ status: 200, response: { status: 'already registered' } });
			const after = snapshot(w);
			expect({ ...after, received: [] }).toEqual({ ...before, received: [] });
			expect(after.received).toEqual([...(before.received as string[]), ...resent.map((r) => `${r.invoiceNumber} ${r.status}`)].sort());
		} finally {
			await w.sb.stop();
		}
	});

	test('the payment fetch started twice at once registers each payment once', async () => {
		const w = await startWorld();
		try {
			for (const t of ['procountor-master-data', 'odoo-invoices-to-procountor']) expect((await run(w, t)).ok).toBe(true);
			recordPayments(w);
			const [a, b] = await Promise.all([run(w, 'procountor-payments-to-odoo'), run({ ...w, state: new Map() }, 'procountor-payments-to-odoo')]);
			const paid = Number(a.summary[0].paid) + Number(b.summary[0].paid);
			const env = w.sb.odoo.env();
			const keyed = w.sb.odoo.db.search(env, 'ir.model.data', [['module', '=', 'procountor'], ['model', '=', 'account.payment']]);
			expect(keyed).toHaveLength(3);
			expect(paid).toBeLessThanOrEqual(3);
			const reconciled = w.sb.odoo.db.read(env, 'account.payment', w.sb.odoo.db.search(env, 'account.payment', []), ['reconciled_invoice_ids']).filter((p) => (p.reconciled_invoice_ids as number[]).length);
			expect(reconciled).toHaveLength(3);
		} finally {
			await w.sb.stop();
		}
	});

	test('with 20% of requests failing (502, 429, resets, hangs) or losing their answer after being processed, the end state equals the fault-free run', async () => {
		const clean = await startWorld();
		let expected: IDataObject;
		try {
			await runAll(clean);
			recordPayments(clean);
			await run(clean, 'procountor-payments-to-odoo');
			expected = snapshot(clean);
			expectSubstantial(expected);
		} finally {
			await clean.sb.stop();
		}

		const w = await startWorld();
		try {
			const creds = w.sb.credentials() as Record<string, IDataObject>;
			creds.odooErpApi.timeoutSeconds = 1;
			creds.codeplusApi.timeoutSeconds = 1;
			for (const [type, c] of Object.entries(creds)) w.engine.credentials.set(type, c as never);
			const https = [w.sb.odoo.http, w.sb.codeplus.http, w.sb.procountor.http];
			// Before the handler (nothing ran) and after it (the work is kept, the answer is lost).
			for (const h of https) h.setFaults({ rate: 0.2, kinds: ['502', '429', 'reset', 'hang', ...LOST_ANSWER_KINDS], retryAfterSeconds: 0, hangMs: 1500, seed: 5 });
			// A run that still fails is run again, as its schedule would: at most five times.
			const outcomes = await runAll(w, 5);
			recordPayments(w);
			outcomes['procountor-payments-to-odoo'] = await run(w, 'procountor-payments-to-odoo', 5);
			for (const h of https) h.clearFaults();
			for (const [t, o] of Object.entries(outcomes)) expect({ t, ok: o.ok, error: o.error }).toEqual({ t, ok: true, error: undefined });
			const refused = https.reduce((n, h) => n + h.injected['502'] + h.injected['429'] + h.injected.reset + h.injected.hang, 0);
			const lost = https.reduce((n, h) => n + LOST_ANSWER_KINDS.reduce((m, k) => m + h.injected[k], 0), 0);
			expect(refused).toBeGreaterThan(20);
			expect(lost).toBeGreaterThan(20);
			// Every write path met a lost answer somewhere: Odoo writes, Procountor creates and payments.
			expect(w.sb.odoo.http.injected['lost-reset'] + w.sb.odoo.http.injected['lost-502'] + w.sb.odoo.http.injected['lost-504']).toBeGreaterThan(5);
			expect(w.sb.procountor.http.injected['lost-reset'] + w.sb.procountor.http.injected['lost-502'] + w.sb.procountor.http.injected['lost-504']).toBeGreaterThan(2);
			expect(snapshot(w)).toEqual(expected);
		} finally {
			await w.sb.stop();
		}
	}, 600_000);
});
