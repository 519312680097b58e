/**
 * The POS counter API as a till reaches it: n8n's Webhook node authenticates the till's JWT, the
 * Odoo node answers. Every refusal is checked against Odoo's own records (nothing written) and
 * against what the answer says (nothing of another company).
 */
import type { IDataObject, IWorkflowBase } from 'n8n-workflow';
import { Engine, type WebhookAnswer } from '../../runner/engine';
import { loadTemplate } from '../../runner/flows';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { signHs256 } from '../helpers';

const TILL = { sub: 'helsinki-till-1', jti: 'helsinki-till-1-2026-01', company: 'Ravintola Demo Oy', store: 1 };
const MODELS = ['account.move', 'account.move.line', 'account.payment', 'account.partial.reconcile', 'pos.session', 'res.partner', 'ir.model.data'];
const OTHER_COMPANY_WORDS = ['Muu Yhtiö Oy', 'Salainen Asiakas', 'INV/OTHER/0001', 'Other Store'];

interface World {
	sb: Sandboxes;
	engine: Engine;
	secret: string;
	customer: number;
	invoice: number;
	invoiceName: string;
	draft: number;
	otherCustomersInvoice: number;
	otherCompanyCustomer: number;
	otherCompanyInvoice: number;
	openSession: number;
	closedSession: number;
	otherStoreSession: number;
}

function setUp(sb: Sandboxes): Omit<World, 'sb' | 'engine' | 'secret'> {
	const db = sb.odoo.db;
	const env = sb.odoo.env();
	return db.transaction(() => {
		const vat14 = db.search(env, 'account.tax', [['name', '=', 'VAT 14%']])[0];
		const invoice = (partner: number, price: number, post = true, company = 1) => {
			const m = db.create(env, 'account.move', {
				move_type: 'out_invoice',
				partner_id: partner,
				invoice_date: '2026-11-02',
				currency_id: 126,
				company_id: company,
				invoice_line_ids: [[0, 0, { name: 'Catering', quantity: 1, price_unit: price, tax_ids: [[6, 0, [vat14]]] }]],
			});
			if (post) db.call(env, 'account.move', 'action_post', [m.id], {});
			return m.id;
		};
		// Store 1 (the till's): cash and bank; store 2 of the same company: cash only.
		const cash1 = db.create(env, 'account.journal', { name: 'Cash Store 1', type: 'cash', code: 'CS1' });
		const cashMethod1 = db.create(env, 'pos.payment.method', { name: 'Cash Store 1', journal_id: cash1.id });
		const store1 = db.create(env, 'pos.config', { name: 'Helsinki', payment_method_ids: [[6, 0, [cashMethod1.id, 2]]] });
		const cash2 = db.create(env, 'account.journal', { name: 'Cash Store 2', type: 'cash', code: 'CS2' });
		const cashMethod2 = db.create(env, 'pos.payment.method', { name: 'Cash Store 2', journal_id: cash2.id });
		const store2 = db.create(env, 'pos.config', { name: 'Other Store', payment_method_ids: [[6, 0, [cashMethod2.id]]] });
		db.create(env, 'ir.model.data', { module: 'pixelpoint', name: 'store_1', model: 'pos.config', res_id: store1.id });
		db.create(env, 'ir.model.data', { module: 'pixelpoint', name: 'store_2', model: 'pos.config', res_id: store2.id });
		const closedSession = db.create(env, 'pos.session', { config_id: store1.id, state: 'closed' }).id;
		const openSession = db.create(env, 'pos.session', { config_id: store1.id, state: 'opened' }).id;
		const otherStoreSession = db.create(env, 'pos.session', { config_id: store2.id, state: 'opened' }).id;
		// Another company with a customer and an invoice of its own.
		db.create(env, 'res.company', { name: 'Muu Yhtiö Oy', currency_id: 126 });
		const otherCompany = db.search(env, 'res.company', [['name', '=', 'Muu Yhtiö Oy']])[0];
		const otherCompanyCustomer = db.create(env, 'res.partner', { name: 'Salainen Asiakas', company_id: otherCompany, ref: 'SECRET-1' }).id;
		const otherCompanyInvoice = invoice(otherCompanyCustomer, 300, true, otherCompany);
		db.updateRaw('account.move', db.browse('account.move', otherCompanyInvoice)!, { name: 'INV/OTHER/0001' });
		const customer = 9;
		const inv = invoice(customer, 100); // 114.00 with VAT 14 %
		return {
			customer,
			invoice: inv,
			invoiceName: String(db.browse('account.move', inv)!.name),
			draft: invoice(customer, 50, false),
			otherCustomersInvoice: invoice(10, 80),
			otherCompanyCustomer,
			otherCompanyInvoice,
			openSession,
			closedSession,
			otherStoreSession,
		};
	});
}

/** Odoo's records as they are: how many of each model, and the latest write. */
function snapshot(sb: Sandboxes): string {
	const db = sb.odoo.db;
	return JSON.stringify(MODELS.map((m) => [m, db.table(m).size, [...db.table(m).values()].reduce((w, r) => (String(r.write_date ?? '') > w ? String(r.write_date) : w), '')]));
}

describe('POS counter API: only the tills get in, and only where they belong', () => {
	let w: World;
	let wf: IWorkflowBase;
	let staticData: IDataObject;
	const till = (claims: IDataObject = {}) => `Bearer ${signHs256({ ...TILL, ...claims }, w.secret)}`;
	const send = async (hook: string, method: 'GET' | 'POST', req: { headers?: Record<string, string>; query?: IDataObject; body?: unknown }): Promise<WebhookAnswer> =>
		await w.engine.request(wf, hook, { method, headers: req.headers ?? {}, query: req.query, body: req.body }, { staticData });
	const unpaid = (query: IDataObject, auth = till()) => send('GET Unpaid Invoices', 'GET', { headers: auth ? { authorization: auth } : {}, query });
	const pay = (body: unknown, key: string | undefined = `k-${Math.random().toString(36).slice(2, 12)}`, auth = till()) =>
		send('POST Payment', 'POST', { headers: { ...(auth ? { authorization: auth } : {}), ...(key ? { 'idempotency-key': key } : {}) }, body });
	const summary = (query: IDataObject, auth = till()) => send('GET Session Summary', 'GET', { headers: { authorization: auth }, query });

	beforeEach(async () => {
		const sb = await startSandboxes();
		const creds = sb.credentials();
		w = { sb, engine: new Engine(creds), secret: String(creds.jwtAuth.secret), ...setUp(sb) };
		wf = { ...loadTemplate('pos-invoice-payment'), pinData: {} };
		const request = wf.nodes.find((n) => n.name === 'Odoo: Till Request')!;
		request.parameters = { ...request.parameters, revoked: 'tampere-till-9-2025-12, old-till' };
		staticData = {};
	});
	afterEach(async () => {
		await w.sb.stop();
	});

	test('a till lists a proven customer\'s open invoices, pays in part and in full into its open session, and the payment names it', async () => {
		const listed = await unpaid({ customer: String(w.customer), ref: w.invoiceName.toLowerCase() });
		expect(listed.statusCode).toBe(200);
		expect(listed.body).toMatchObject({ customerId: w.customer, till: TILL.sub });
		expect((listed.body as IDataObject).invoices).toEqual(expect.arrayContaining([expect.objectContaining({ id: w.invoice, residual: 114, paymentState: 'not_paid' })]));

		const first = await pay({ invoice: w.invoice, customer: w.customer, amount: 40, method: 'cash' }, 'till1-0001');
		expect(first.statusCode).toBe(200);
		expect(first.body).toMatchObject({ status: 'registered', amount: 40, method: 'cash', sessionId: w.openSession, till: TILL.sub, residual: 74, audited: true });
		const db = w.sb.odoo.db;
		const env = w.sb.odoo.env();
		const paymentId = Number((first.body as IDataObject).paymentId);
		const [payment] = db.read(env, 'account.payment', [paymentId], ['amount', 'ref', 'pos_session_id', 'reconciled_invoice_ids']);
		// Odoo's own record says who took it and where.
		expect(payment).toMatchObject({ amount: 40, reconciled_invoice_ids: [w.invoice] });
		expect(payment.pos_session_id).toEqual([w.openSession, expect.any(String)]);
		expect(String(payment.ref)).toContain(`till ${TILL.sub}`);
		expect(String(payment.ref)).toContain(String((payment.pos_session_id as [number, string])[1]));
		const channel = [...db.table('mail.message').values()].map((m) => String(m.body)).filter((b) => b.includes('POS counter payment'));
		expect(channel.some((b) => b.includes(`till ${TILL.sub}`) && b.includes('40.00 cash'))).toBe(true);

		// A retry with the same key answers the same payment; the rest by bank.
		const before = snapshot(w.sb);
		const again = await pay({ invoice: w.invoice, customer: w.customer, amount: 40, method: 'cash' }, 'till1-0001');
		expect(again.body).toMatchObject({ status: 'already registered', paymentId, till: TILL.sub });
		expect(snapshot(w.sb)).toBe(before);
		const rest = await pay({ invoice: w.invoice, customer: w.customer, amount: '74.00', method: 'bank' }, 'till1-0002');
		expect(rest.body).toMatchObject({ status: 'registered', residual: 0 });
		expect(db.read(env, 'account.move', [w.invoice], ['amount_residual'])[0].amount_residual).toBe(0);

		const s = await summary({});
		expect(s.statusCode).toBe(200);
		expect(s.body).toMatchObject({ sessionId: w.openSession, cash: { total: 40, count: 1 }, bank: { total: 74, count: 1 }, total: 114, store: 1 });
	});

	test('a cash payment at the ceiling is taken; above it is refused', async () => {
		const big = w.sb.odoo.db.transaction(() => {
			const env = w.sb.odoo.env();
			const m = w.sb.odoo.db.create(env, 'account.move', { move_type: 'out_invoice', partner_id: w.customer, invoice_date: '2026-11-02', currency_id: 126, invoice_line_ids: [[0, 0, { name: 'Party', quantity: 1, price_unit: 1000 }]] });
			w.sb.odoo.db.call(env, 'account.move', 'action_post', [m.id], {});
			return m.id;
		});
		expect((await pay({ invoice: big, customer: w.customer, amount: 500.01, method: 'cash' })).statusCode).toBe(422);
		expect((await pay({ invoice: big, customer: w.customer, amount: 500, method: 'cash' })).statusCode).toBe(200);
		expect((await pay({ invoice: big, customer: w.customer, amount: 500, method: 'bank' })).statusCode).toBe(200);
	});

	test('refused requests: the status, nothing written in Odoo, nothing of another company in the answer', async () => {
		// A key used once, to be reused with another body.
		expect((await pay({ invoice: w.invoice, customer: w.customer, amount: 10, method: 'cash' }, 'used-key-0001')).statusCode).toBe(200);
		const c = String(w.customer);
		const ok = { invoice: w.invoice, customer: w.customer, amount: 5, method: 'cash' };
		const cases: Array<[string, () => Promise<WebhookAnswer>, number, RegExp?]> = [
			['no Authorization header', () => unpaid({ customer: c, ref: w.invoiceName }, ''), 401],
			['a token signed with another secret', () => unpaid({ customer: c, ref: w.invoiceName }, `Bearer ${signHs256(TILL, 'not-the-secret')}`), 403],
			['a token that is no JWT', () => unpaid({ customer: c, ref: w.invoiceName }, 'Bearer abc.def'), 403],
			['an unsigned token (alg none)', () => unpaid({ customer: c, ref: w.invoiceName }, `Bearer ${signHs256(TILL, '', 'none')}`), 403],
			['an expired token', () => unpaid({ customer: c, ref: w.invoiceName }, till({ exp: 1700000000 })), 403],
			['a payment without a token', () => pay(ok, undefined, ''), 401],
			['a revoked token (its ID listed)', () => unpaid({ customer: c, ref: w.invoiceName }, till({ sub: 'tampere-till-9', jti: 'tampere-till-9-2025-12' })), 403, /revoked/],
			['a revoked till (its name listed)', () => pay(ok, undefined, till({ sub: 'old-till', jti: 'old-till-7' })), 403, /revoked/],
			['a token without a store claim', () => unpaid({ customer: c, ref: w.invoiceName }, till({ store: undefined })), 403, /store/],
			['a token of another company', () => unpaid({ customer: c, ref: w.invoiceName }, till({ company: 'Muu Yhtiö Oy' })), 403],
			['a store not set up in this company', () => pay(ok, undefined, till({ store: 3 })), 409],
			["another company's customer, with its own reference", () => unpaid({ customer: String(w.otherCompanyCustomer), ref: 'SECRET-1' }), 404],
			["another company's customer, with its invoice number", () => unpaid({ customer: String(w.otherCompanyCustomer), ref: 'INV/OTHER/0001' }), 404],
			['a customer without what the till was shown', () => unpaid({ customer: c }), 400, /ref is required/],
			['a customer with a wrong reference', () => unpaid({ customer: c, ref: 'INV/2026/99999' }), 404],
			['a customer ID with a domain injected', () => unpaid({ customer: "1] ,[('id','>',0)", ref: w.invoiceName }), 400],
			['a reference with quotes and operators', () => unpaid({ customer: c, ref: "x' OR '1'='1" }), 404],
			['an unknown query parameter', () => unpaid({ customer: c, ref: w.invoiceName, domain: "[('id','>',0)]" }), 400],
			["another company's invoice", () => pay({ ...ok, invoice: w.otherCompanyInvoice, customer: w.otherCompanyCustomer }), 404],
			["another customer's invoice", () => pay({ ...ok, invoice: w.otherCustomersInvoice }), 404],
			["another store's open session", () => pay({ ...ok, session: w.otherStoreSession }), 409],
			["its store's closed session", () => pay({ ...ok, session: w.closedSession }), 409],
			['cash above the ceiling', () => pay({ ...ok, amount: 600 }), 422, /ceiling|not taken/],
			['no amount', () => pay({ invoice: w.invoice, customer: w.customer, method: 'cash' }), 400, /amount is required/],
			['a zero amount', () => pay({ ...ok, amount: 0 }), 400],
			['a negative amount', () => pay({ ...ok, amount: -3 }), 400],
			['an amount that is no number', () => pay({ ...ok, amount: 'ten' }), 400],
			['an amount with three decimals', () => pay({ ...ok, amount: 10.005 }), 400],
			['an absurd amount', () => pay({ ...ok, amount: 1e12 }), 400],
			['an amount as an object', () => pay({ ...ok, amount: { $gt: 0 } }), 400],
			['more than the open balance', () => pay({ ...ok, amount: 150, method: 'bank' }), 422],
			['an invoice ID with letters', () => pay({ ...ok, invoice: '12abc' }), 400],
			['an invoice ID with a fraction', () => pay({ ...ok, invoice: 3.5 }), 400],
			['a customer ID with an injection', () => pay({ ...ok, customer: `${c} OR 1=1` }), 400],
			['a method that does not exist', () => pay({ ...ok, method: 'crypto' }), 400],
			['a field the API does not take', () => pay({ ...ok, company_id: 2 }), 400],
			['a body that is a list', () => pay([ok]), 400],
			['a body over the size limit', () => pay({ ...ok, note: 'x'.repeat(5000) }), 413],
			['a draft invoice', () => pay({ ...ok, invoice: w.draft }), 409],
			['no Idempotency-Key', () => pay(ok, ''), 400, /Idempotency-Key/],
			['an Idempotency-Key too short', () => pay(ok, 'k1'), 400],
			['an Idempotency-Key reused with another body', () => pay({ ...ok, amount: 11 }, 'used-key-0001'), 422, /another payment/],
			["another store's session summary", () => summary({ session: String(w.otherStoreSession) }), 404],
			['a session summary of a session ID that is no ID', () => summary({ session: 'abc' }), 400],
		];
		expect(cases.length).toBeGreaterThanOrEqual(30);
		const results: string[] = [];
		for (const [what, call, status, message] of cases) {
			staticData = {}; // each case as a till's first refusal (slowing is the next test's)
			const before = snapshot(w.sb);
			const callsBefore = w.sb.odoo.http.counter.snapshot();
			const res = await call();
			// Not even a write undone again (a lock taken and released): no writing call at all.
			const writes = Object.entries(w.sb.odoo.http.counter.snapshot())
				.filter(([k, n]) => /\/(create|write|unlink|copy|action_\w+|button_\w+|message_post|reconcile)$/.test(k) && n !== (callsBefore[k] ?? 0))
				.map(([k]) => k);
			const text = JSON.stringify(res.body ?? '');
			const leaked = OTHER_COMPANY_WORDS.filter((word) => text.includes(word));
			const problems = [
				res.statusCode !== status ? `status ${res.statusCode}, not ${status}` : '',
				message && !message.test(text) ? `answer ${text.slice(0, 120)} does not say ${message}` : '',
				snapshot(w.sb) !== before ? 'Odoo changed' : '',
				writes.length ? `wrote to Odoo: ${writes.join(', ')}` : '',
				leaked.length ? `the answer shows ${leaked.join(', ')}` : '',
				res.result && (res.result.run.data.resultData.runData['Odoo: Till Request']?.length ?? 0) === 0 ? 'the till request step did not run' : '',
			].filter(Boolean);
			if (problems.length) results.push(`${what}: ${problems.join('; ')}`);
			// n8n's own refusals never start the workflow: nothing read.
			if (status === 401 || (status === 403 && !message)) expect({ what, ran: !!res.result }).toEqual({ what, ran: /another company/.test(what) });
		}
		expect(results).toEqual([]);
	});

	test('imported without its JWT credential, the webhooks refuse every request and run nothing', async () => {
		const { jwtAuth: _dropped, ...rest } = w.sb.credentials();
		const bare = new Engine(rest);
		const res = await bare.request(wf, 'POST Payment', { method: 'POST', headers: { authorization: till(), 'idempotency-key': 'bare-0001-x' }, body: { invoice: w.invoice, customer: w.customer, amount: 5, method: 'cash' } });
		expect(res.statusCode).toBeGreaterThanOrEqual(401);
		expect(res.result).toBeUndefined();
	});

	test('a till refused again and again is slowed (429) before anything is read, and that is audited once', async () => {
		const db = w.sb.odoo.db;
		const guesses = [];
		for (let k = 0; k < 5; k++) guesses.push((await unpaid({ customer: String(100 + k), ref: 'INV/2026/00001' })).statusCode);
		expect(guesses).toEqual([404, 404, 404, 404, 404]);
		const calls = w.sb.odoo.http.counter.total;
		const slowed = await unpaid({ customer: String(w.customer), ref: w.invoiceName });
		expect(slowed.statusCode).toBe(429);
		expect(slowed.body).toMatchObject({ retryAfterSeconds: expect.any(Number) });
		expect(w.sb.odoo.http.counter.total).toBe(calls);
		const audited = [...db.table('mail.message').values()].map((m) => String(m.body)).filter((b) => b.includes('till slowed'));
		expect(audited).toHaveLength(1);
		expect(audited[0]).toContain(TILL.sub);
		// Another till of the same store is not slowed.
		expect((await unpaid({ customer: String(w.customer), ref: w.invoiceName }, till({ sub: 'helsinki-till-2', jti: 'helsinki-till-2-2026-01' }))).statusCode).toBe(200);
	});
});

describe('POS counter API: 20 tills at once', () => {
	test('each payment once, none above the open balance, retries answered with the first payment', async () => {
		const sb = await startSandboxes();
		try {
			const creds = sb.credentials();
			const engine = new Engine(creds);
			const w = setUp(sb);
			const wf = { ...loadTemplate('pos-invoice-payment'), pinData: {} };
			const staticData: IDataObject = {};
			const send = (k: number) =>
				engine.request(wf, 'POST Payment', {
					method: 'POST',
					headers: { authorization: `Bearer ${signHs256({ ...TILL, sub: `helsinki-till-${k}`, jti: `t${k}` }, String(creds.jwtAuth.secret))}`, 'idempotency-key': `load-${k}-0001` },
					body: { invoice: w.invoice, customer: w.customer, amount: 10, method: 'bank' },
				}, { staticData });
			const tills = Array.from({ length: 20 }, (_, k) => k + 1);
			const first = await Promise.all(tills.map(send));
			const again = await Promise.all(tills.map(send));
			const env = sb.odoo.env();
			const payments = sb.odoo.db.read(env, 'account.payment', sb.odoo.db.search(env, 'account.payment', []), ['amount', 'reconciled_invoice_ids']).filter((p) => (p.reconciled_invoice_ids as number[]).includes(w.invoice));
			const [inv] = sb.odoo.db.read(env, 'account.move', [w.invoice], ['amount_residual']);
			// 114.00 open: eleven payments of 10.00 fit, nine are refused as more than what is left.
			expect(first.map((r) => r.statusCode).sort()).toEqual([...Array(11).fill(200), ...Array(9).fill(422)]);
			expect(payments).toHaveLength(11);
			expect(inv.amount_residual).toBe(4);
			for (const [k, r] of again.entries()) {
				if (first[k].statusCode === 200) expect(r.body).toMatchObject({ status: 'already registered', paymentId: (first[k].body as IDataObject).paymentId });
			}
		} finally {
			await sb.stop();
		}
	});
});

/**
 * On 18 and 19 a bank payment waits `in_process` until the bank statement matches it: it is taken
 * money all the same, and the session summary counts it.
 */
describe.each([18, 19] as const)('POS counter API on Odoo %i: the session summary', (version) => {
	test('counts a bank payment Odoo keeps in_process beside a cash one', async () => {
		const sb = await startSandboxes({}, { odoo: { version } });
		try {
			const creds = sb.credentials();
			const engine = new Engine(creds);
			const w = setUp(sb);
			const wf = { ...loadTemplate('pos-invoice-payment'), pinData: {} };
			const staticData: IDataObject = {};
			const auth = { authorization: `Bearer ${signHs256(TILL, String(creds.jwtAuth.secret))}` };
			const pay = (amount: number, method: string, key: string) =>
				engine.request(wf, 'POST Payment', { method: 'POST', headers: { ...auth, 'idempotency-key': key }, body: { invoice: w.invoice, customer: w.customer, amount, method } }, { staticData });
			const cash = await pay(40, 'cash', 'version-0001');
			expect(cash.body).toMatchObject({ status: 'registered' });
			const bank = await pay(30, 'bank', 'version-0002');
			expect(bank.statusCode).toBe(200);
			const env = sb.odoo.env();
			const [p] = sb.odoo.db.read(env, 'account.payment', [Number((bank.body as IDataObject).paymentId)], ['state']);
			expect(p.state).toBe('in_process');
			const s = await engine.request(wf, 'GET Session Summary', { method: 'GET', headers: auth, query: {} }, { staticData });
			expect(s.statusCode).toBe(200);
			expect(s.body).toMatchObject({ sessionId: w.openSession, cash: { total: 40, count: 1 }, bank: { total: 30, count: 1 }, total: 70 });
		} finally {
			await sb.stop();
		}
	});
});
