/**
 * Procountor's GET /payments/paymentevents takes at most 200 invoice ids per call: the node asks
 * in batches of 200 and pairs every event with its item. 401 invoices need three calls; the
 * sandbox refuses a call with more ids, as the published API says.
 */
import { Engine } from '../../runner/engine';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { chain, node } from '../helpers';

describe('Procountor payment events for many invoices', () => {
	let sb: Sandboxes;
	beforeAll(async () => {
		sb = await startSandboxes();
	});
	afterAll(async () => {
		await sb.stop();
	});

	test('401 invoices: every invoice\'s event once, paired with its item, none refused', async () => {
		const ids = Array.from({ length: 401 }, (_, k) => 880001 + k);
		for (const id of ids) {
			sb.procountor.invoices.set(id, { id, type: 'SALES_INVOICE', status: 'SENT', totalAmount: 10, paymentInfo: { currency: 'EUR' } });
			sb.procountor.recordPayment(id, 10, '2026-11-20');
		}
		const engine = new Engine(sb.credentials());
		const run = await engine.run(chain(ids.map((procountorInvoiceId) => ({ procountorInvoiceId })), node('Events', 'procountor', { resource: 'paymentEvent', operation: 'getMany', invoiceId: '={{ $json.procountorInvoiceId }}', onlyPositive: true }, { onError: 'continueRegularOutput' })));
		expect(run.error).toBeUndefined();
		const out = run.output('Events');
		expect(out.filter((j) => j.error)).toEqual([]);
		expect(out).toHaveLength(401);
		expect(out.every((j) => (j.paymentEvent as { invoiceId: number }).invoiceId === j.procountorInvoiceId)).toBe(true);
		expect(new Set(out.map((j) => j.procountorInvoiceId)).size).toBe(401);
	});
});
