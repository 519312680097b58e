/**
 * What happens after the normal run, on the same real database, as a restaurant's day goes on:
 * two imports of the same new sales at once, a payment taken at the counter on a customer invoice
 * during an open session and then the nightly close, and a late sale for a day whose session is
 * already closed. Every check reads Odoo's own records.
 */
import type { IWorkflowBase } from 'n8n-workflow';
import { setClock } from '../../runner/clock';
import type { Engine } from '../../runner/engine';
import { type TemplateSettings, loadTemplate, runTemplate } from '../../runner/flows';
import type { Sandboxes } from '../../sandbox';
import { type Check, checkBooks, m2o, money, snapshot } from './books';
import { OutageProxy } from './outage';
import { chain, node, rl, signHs256, totalWithTips } from '../helpers';
import type { Rpc } from './rpc';
import { checkReportDifferences } from './report';
import { sql } from './server';

type Row = Record<string, unknown>;

export interface ScenarioWorld {
	rpc: Rpc;
	engine: Engine;
	/** A second engine, as a second worker would be. */
	other: Engine;
	sb: Sandboxes;
	companyId: number;
	/** The restaurant company's name, as a till token names it. */
	companyName: string;
	/** Odoo's major version. */
	version: number;
	settings: TemplateSettings;
	/** The import's day (the harness clock), e.g. 2026-01-06. */
	today: string;
	/** The real server and its database (for what only SQL can do: letting time pass). */
	odooUrl: string;
	db: string;
	/** An engine whose Odoo credential points at another address (a proxy in front of the server). */
	engineAt(url: string): Engine;
	phase<T>(label: string, fn: () => Promise<T>): Promise<T>;
}

/** The order import run by hand for a range (its schedule off, its Manual Range step set), as a historic load is. */
export function manualRange(from: string, to: string): (wf: IWorkflowBase) => void {
	return (wf) => {
		for (const n of wf.nodes) if (n.type === 'n8n-nodes-base.scheduleTrigger') n.disabled = true;
		wf.nodes.find((n) => n.name === 'Manual Range')!.parameters.jsCode = `return [{ json: { from: '${from}', to: '${to}' } }];`;
	};
}

/** Runs `fn` with the clock jumped to `at` and back after, keeping the time spent (phase timings stay true). */
async function atTime<T>(at: number, fn: () => Promise<T>): Promise<T> {
	const shift = at - Date.now();
	setClock(at);
	try {
		return await fn();
	} finally {
		setClock(Date.now() - shift);
	}
}

/** New PixelPoint sales for a business day: copies of a store's earlier sales, closed at the given UTC times. */
function addSales(sb: Sandboxes, storeId: number, businessDate: string, closeTimes: string[], firstNum: number): Array<{ StoreId: number; TransactNum: number }> {
	const model = sb.codeplus.allInvoices().find((i) => i.StoreId === storeId && i.Status === 'CLOSED' && i.Payments.length === 1)!;
	return closeTimes.map((close, k) => {
		const inv = { ...JSON.parse(JSON.stringify(model)), TransactNum: firstNum + k, BusinessDate: businessDate, OpenTime: close, CloseTime: close };
		sb.codeplus.addInvoice(inv);
		return { StoreId: storeId, TransactNum: firstNum + k };
	});
}

export async function laterScenarios(w: ScenarioWorld): Promise<Check[]> {
	const out: Check[] = [];
	const { rpc, engine, sb, companyId, settings, today } = w;
	const ctx = { context: { allowed_company_ids: [companyId] } };
	const orderCount = async (refs: string[]) => (await rpc.searchRead('pos.order', [['pos_reference', 'in', refs]], ['id'], ctx)).length;

	// 1. Today's first sales of store 2, imported by two executions at once: each once, one session.
	const today20 = addSales(sb, 2, today, Array.from({ length: 20 }, (_, k) => `${today}T07:${String(10 + k).padStart(2, '0')}:00+00:00`), 990001);
	const refs = today20.map((i) => `PixelPoint ${i.StoreId}-${i.TransactNum}`);
	const [a, b] = await w.phase('two order imports at once', () => Promise.all([runTemplate(engine, 'pixelpoint-order-import', {}, settings), runTemplate(w.other, 'pixelpoint-order-import', {}, settings)]));
	const orders = await rpc.searchRead<{ pos_reference: string; session_id: [number, string] }>('pos.order', [['pos_reference', 'in', refs]], ['pos_reference', 'session_id'], ctx);
	const sessionIds = [...new Set(orders.map((o) => o.session_id[0]))];
	out.push({
		what: 'two imports of the same new sales at once: every sale once, in one new session for the day',
		ok: orders.length === 20 && new Set(orders.map((o) => o.pos_reference)).size === 20 && sessionIds.length === 1 && Number(a.summary[0]?.created) + Number(b.summary[0]?.created) === 20,
		detail: `${orders.length} orders for 20 sales, ${new Set(orders.map((o) => o.pos_reference)).size} distinct, ${sessionIds.length} session(s); created ${String(a.summary[0]?.created)} + ${String(b.summary[0]?.created)}`,
	});
	const sessionId = sessionIds[0];

	// 2. A customer pays part of an invoice at the counter during that open session (cash), then the nightly close.
	const [invoice] = await rpc.searchRead<{ id: number; partner_id: [number, string]; amount_residual: number; name: string }>(
		'account.move',
		[['move_type', '=', 'out_invoice'], ['state', '=', 'posted'], ['payment_state', 'in', ['not_paid', 'partial']], ['company_id', '=', companyId]],
		['partner_id', 'amount_residual', 'name'],
		{ ...ctx, order: 'id' },
	);
	const pay = money(Math.min(25, invoice.amount_residual / 2));
	const counter = await w.phase('a payment at the counter', () =>
		runTemplate(engine, 'pos-invoice-payment', {}, settings, (wf) => {
			// The till's token names this database's restaurant company and store 2 (as an integrator fills the Till step).
			const tillStep = wf.nodes.find((n) => n.name === 'Till')!;
			for (const a of (tillStep.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments) {
				if (a.name === 'company') a.value = w.companyName;
				if (a.name === 'store') a.value = 2;
			}
			wf.pinData = {
				'POST Payment': [{ json: { headers: { 'idempotency-key': `real-counter-${invoice.id}` }, params: {}, query: {}, body: { invoice: invoice.id, customer: invoice.partner_id[0], amount: pay, method: 'cash', session: sessionId } } }],
			};
		}),
	);
	const answered = (counter.summary[0]?.response ?? {}) as Row;
	const [afterPay] = await rpc.call<Array<{ amount_residual: number; payment_state: string }>>('account.move', 'read', [[invoice.id]], { fields: ['amount_residual', 'payment_state'], ...ctx });
	out.push({
		what: 'a payment taken at the counter during an open session is registered and reconciled with the invoice',
		ok: counter.ok && Number(counter.summary[0]?.status) === 200 && money(afterPay.amount_residual) === money(invoice.amount_residual - pay),
		detail: `${invoice.name}: ${invoice.amount_residual} → ${afterPay.amount_residual} (${afterPay.payment_state}); answer ${JSON.stringify(answered).slice(0, 160)}`,
	});
	// Who took it, from Odoo's own record of the payment: the till and the session in its memo (`ref` up to 17, `memo` from 18).
	const memoField = w.version >= 18 ? 'memo' : 'ref';
	const [taken] = answered.paymentId ? await rpc.call<Row[]>('account.payment', 'read', [[Number(answered.paymentId)]], { fields: [memoField, 'pos_session_id'], ...ctx }) : [];
	const memo = String(taken?.[memoField] ?? '');
	out.push({
		what: 'the counter payment names its till and its session on the payment in Odoo',
		ok: !!taken && memo.includes('till helsinki-till-1') && m2o(taken.pos_session_id) === sessionId && memo.includes(String((taken.pos_session_id as [number, string])[1])),
		detail: `${memoField} "${memo}", session ${JSON.stringify(taken?.pos_session_id)}`,
	});
	// Refused requests change nothing in Odoo: another company's till, an amount above the balance, no token.
	// The books' own "nothing written" reading (counts, write dates, chatter), and the external IDs the counter's keys and locks would add.
	const state = async (): Promise<Record<string, unknown>> => ({ ...(await snapshot(rpc, companyId)), 'ir.model.data': (await rpc.searchRead('ir.model.data', [['module', '=', 'pos_counter']], ['id'])).length });
	const before = await state();
	const tillWf = loadTemplate('pos-invoice-payment');
	const secret = String((engine.credentials.all().jwtAuth as { secret?: string } | undefined)?.secret ?? '');
	const token = (claims: Row) => signHs256({ sub: 'helsinki-till-1', jti: 'helsinki-till-1-2026-01', company: w.companyName, store: 2, ...claims }, secret);
	const refusals = await w.phase('refused counter requests', async () => [
		await engine.request(tillWf, 'POST Payment', { method: 'POST', headers: { 'idempotency-key': 'real-refused-0001' }, body: { invoice: invoice.id, customer: invoice.partner_id[0], amount: 1, method: 'cash' } }),
		await engine.request(tillWf, 'POST Payment', { method: 'POST', headers: { authorization: `Bearer ${token({ company: 'Holding Inc' })}`, 'idempotency-key': 'real-refused-0002' }, body: { invoice: invoice.id, customer: invoice.partner_id[0], amount: 1, method: 'cash' } }),
		await engine.request(tillWf, 'POST Payment', { method: 'POST', headers: { authorization: `Bearer ${token({})}`, 'idempotency-key': 'real-refused-0003' }, body: { invoice: invoice.id, customer: invoice.partner_id[0], amount: 99999, method: 'bank' } }),
		await engine.request(tillWf, 'GET Unpaid Invoices', { method: 'GET', headers: { authorization: `Bearer ${token({})}` }, query: { customer: String(invoice.partner_id[0]), ref: 'NOT-SHOWN' } }),
	]);
	const after = await state();
	const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
	out.push({
		what: 'refused counter requests (no token, another company, above the balance, a reference not shown) change nothing in Odoo',
		ok: refusals.map((r) => r.statusCode).join() === '401,403,422,404' && changed.length === 0,
		detail: `answers ${refusals.map((r) => r.statusCode).join(', ')}; ${changed.length ? `changed: ${changed.join(', ')}` : `unchanged (${JSON.stringify(before['account.payment'])} payments)`}`,
	});

	// The session summary a till asks for equals Odoo's own payments of the session: a second payment,
	// by bank (in_process on 18 and 19 until the bank statement matches it), beside the cash one.
	const bankPay = money(Math.min(5, afterPay.amount_residual / 2));
	const bankAnswer = await engine.request(tillWf, 'POST Payment', { method: 'POST', headers: { authorization: `Bearer ${token({})}`, 'idempotency-key': `real-counter-bank-${invoice.id}` }, body: { invoice: invoice.id, customer: invoice.partner_id[0], amount: bankPay, method: 'bank' } });
	const summary = await engine.request(tillWf, 'GET Session Summary', { method: 'GET', headers: { authorization: `Bearer ${token({})}` }, query: { session: String(sessionId) } });
	const odooPays = await rpc.searchRead<{ amount: number; journal_id: [number, string]; state: string; payment_type: string }>('account.payment', [['pos_session_id', '=', sessionId], ['pos_payment_method_id', '=', false]], ['amount', 'journal_id', 'state', 'payment_type'], ctx);
	const payJournals = odooPays.length ? await rpc.call<Row[]>('account.journal', 'read', [[...new Set(odooPays.map((p) => p.journal_id[0]))]], { fields: ['type'], ...ctx }) : [];
	const journalType = new Map(payJournals.map((j) => [j.id as number, String(j.type)]));
	const takenPays = odooPays.filter((p) => !['draft', 'cancel', 'canceled', 'rejected'].includes(p.state));
	const odooTotal = (type: string) => money(takenPays.filter((p) => journalType.get(p.journal_id[0]) === type).reduce((a, p) => a + (p.payment_type === 'outbound' ? -1 : 1) * p.amount, 0));
	const answeredSummary = (summary.body ?? {}) as { cash?: { total: number }; bank?: { total: number } };
	out.push({
		what: "the session summary a till asks for equals Odoo's own payments of the session (cash, and bank in_process on 18+)",
		ok: bankAnswer.statusCode === 200 && summary.statusCode === 200 && answeredSummary.cash?.total === odooTotal('cash') && answeredSummary.bank?.total === odooTotal('bank') && odooTotal('bank') === bankPay && odooTotal('cash') === pay,
		detail: `summary cash ${String(answeredSummary.cash?.total)}, bank ${String(answeredSummary.bank?.total)}; Odoo cash ${odooTotal('cash')}, bank ${odooTotal('bank')} (states ${odooPays.map((p) => p.state).join(', ')}); bank payment answered ${bankAnswer.statusCode}${bankAnswer.statusCode !== 200 ? ` ${JSON.stringify(bankAnswer.body).slice(0, 200)}` : ''}`,
	});
	const [afterBoth] = await rpc.call<Array<{ amount_residual: number; payment_state: string }>>('account.move', 'read', [[invoice.id]], { fields: ['amount_residual', 'payment_state'], ...ctx });

	// The night after: the session of today is now a past business day and is closed.
	await atTime(Date.parse(`${today}T00:00:00Z`) + 86400000 + 2 * 3600000, async () => {
		const close = await w.phase('the nightly close after the counter payment', () => runTemplate(engine, 'pos-session-auto-close', {}, settings));
		const [session] = await rpc.call<Row[]>('pos.session', 'read', [[sessionId]], { fields: ['state', 'move_id', 'name'], ...ctx });
		const [afterClose] = await rpc.call<Array<{ amount_residual: number; payment_state: string }>>('account.move', 'read', [[invoice.id]], { fields: ['amount_residual', 'payment_state'], ...ctx });
		const entry = m2o(session.move_id);
		const [move] = entry ? await rpc.call<Row[]>('account.move', 'read', [[entry]], { fields: ['date', 'state'], ...ctx }) : [undefined];
		out.push({
			what: "the nightly close posts today's session on its business day and leaves the counter payment reconciled",
			ok: close.ok && session.state === 'closed' && move?.state === 'posted' && move?.date === today && money(afterClose.amount_residual) === money(afterBoth.amount_residual),
			detail: `${String(session.name)} ${String(session.state)}, entry ${String(move?.state)} dated ${String(move?.date)}; ${invoice.name} residual ${afterBoth.amount_residual} → ${afterClose.amount_residual} (${afterClose.payment_state})${session.state !== 'closed' || !close.ok ? `; the close said: ${String(close.error ?? JSON.stringify(close.summary[0]?.sessions ?? close.summary[0] ?? {})).slice(0, 400)}` : ''}`,
		});
	});

	// 3. A late sale for a day whose session is closed: it waits for a person, the closed books stay as they are.
	const [closedXid] = await rpc.searchRead<{ res_id: number; name: string }>('ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session'], ['name', '=like', 'session_1_%']], ['res_id', 'name'], { order: 'name' });
	const day = `${closedXid.name.slice(-8, -4)}-${closedXid.name.slice(-4, -2)}-${closedXid.name.slice(-2)}`;
	const [closedBefore] = await rpc.call<Row[]>('pos.session', 'read', [[closedXid.res_id]], { fields: ['state', 'write_date', 'move_id'], ...ctx });
	const [late] = addSales(sb, 1, day, [`${today}T07:45:00+00:00`], 990101);
	const lateRun = await w.phase('a late sale for a closed session', () => runTemplate(engine, 'pixelpoint-order-import', {}, settings));
	const [waiting] = await rpc.searchRead<{ value: string }>('ir.config_parameter', [['key', '=', `n8n.sync.pixelpoint-order-import.c${companyId}.waiting.${late.StoreId}-${late.TransactNum}`]], ['value']);
	const item = waiting ? (JSON.parse(waiting.value) as Row) : {};
	const [closedAfter] = await rpc.call<Row[]>('pos.session', 'read', [[closedXid.res_id]], { fields: ['state', 'write_date', 'move_id'], ...ctx });
	out.push({
		what: 'a late sale for a closed session waits for a person (entered by hand, then skipped) and the closed session is untouched',
		ok:
			lateRun.summary[0]?.status === 'failed' &&
			item.retryable === false &&
			/already closed/.test(String(item.reason)) &&
			(await orderCount([`PixelPoint ${late.StoreId}-${late.TransactNum}`])) === 0 &&
			closedAfter.state === 'closed' &&
			closedAfter.write_date === closedBefore.write_date,
		detail: `${day}: ${String(item.reason ?? 'not waiting').slice(0, 140)}; session write date ${String(closedBefore.write_date)} → ${String(closedAfter.write_date)}`,
	});

	// 4. A historic import of an earlier month, run by hand for its range: sessions of their own,
	//    closed with entries posted, balanced and dated on their business days; no cursor moves.
	const cursorsBefore = await rpc.searchRead<{ key: string; value: string }>('ir.config_parameter', [['key', '=like', `n8n.sync.pixelpoint-order-import.c${companyId}.cursor.%`]], ['key', 'value'], { order: 'key' });
	const historic = ['2025-11-10', '2025-11-11', '2025-11-12'].flatMap((d, k) => addSales(sb, 3, d, [`${d}T10:15:00+00:00`, `${d}T12:40:00+00:00`, `${d}T16:05:00+00:00`], 990201 + k * 10));
	const manual = await w.phase('a historic import of November 2025 by hand', () =>
		runTemplate(engine, 'pixelpoint-order-import', {}, settings, manualRange('2025-11-10', '2025-11-13')),
	);
	const closeHistoric = await w.phase('the close of the historic sessions', () => runTemplate(engine, 'pos-session-auto-close', {}, settings));
	const histRefs = historic.map((i) => `PixelPoint ${i.StoreId}-${i.TransactNum}`);
	const histOrders = await rpc.searchRead<{ session_id: [number, string]; pos_reference: string }>('pos.order', [['pos_reference', 'in', histRefs]], ['session_id', 'pos_reference'], ctx);
	const missing = histRefs.filter((r) => !histOrders.some((o) => o.pos_reference === r));
	const histSessions = [...new Set(histOrders.map((o) => o.session_id[0]))];
	const sessionRows = histSessions.length ? await rpc.call<Row[]>('pos.session', 'read', [histSessions], { fields: ['name', 'state', 'move_id'], ...ctx }) : [];
	const entries = sessionRows.map((r) => m2o(r.move_id)).filter((x): x is number => !!x);
	const moves = entries.length ? await rpc.call<Row[]>('account.move', 'read', [entries], { fields: ['name', 'date', 'state', 'line_ids'], ...ctx }) : [];
	const balanced: boolean[] = [];
	for (const m of moves) {
		const ls = await rpc.call<Array<{ debit: number; credit: number }>>('account.move.line', 'read', [m.line_ids], { fields: ['debit', 'credit'], ...ctx });
		balanced.push(money(ls.reduce((a, l) => a + l.debit, 0)) === money(ls.reduce((a, l) => a + l.credit, 0)));
	}
	const cursorsAfter = await rpc.searchRead<{ key: string; value: string }>('ir.config_parameter', [['key', '=like', `n8n.sync.pixelpoint-order-import.c${companyId}.cursor.%`]], ['key', 'value'], { order: 'key' });
	const dates = moves.map((m) => String(m.date)).sort();
	out.push({
		what: 'a historic import of an earlier month: its own sessions, closed, entries posted, balanced and dated on their business days; the cursors stay',
		ok:
			// (the run also tries the late sale above again, which still waits for a person)
			Number(manual.summary[0]?.created) === historic.length &&
			closeHistoric.ok &&
			histOrders.length === historic.length &&
			sessionRows.length === 3 &&
			sessionRows.every((r) => r.state === 'closed') &&
			moves.every((m) => m.state === 'posted') &&
			balanced.every(Boolean) &&
			JSON.stringify(dates) === JSON.stringify(['2025-11-10', '2025-11-11', '2025-11-12']) &&
			JSON.stringify(cursorsAfter) === JSON.stringify(cursorsBefore),
		detail: `created ${String(manual.summary[0]?.created)}, skipped ${String(manual.summary[0]?.skipped)}, held back ${String(manual.summary[0]?.heldBack)}${missing.length ? `, missing ${missing.join(', ')}` : ''}${manual.summary[0]?.error ? ` (${String(manual.summary[0]?.error).slice(0, 200)})` : ''}; ${histOrders.length} of ${historic.length} orders, sessions ${sessionRows.map((r) => `${String(r.name)} ${String(r.state)}`).join(', ')}; entries ${moves.map((m) => `${String(m.name)} ${String(m.state)} ${String(m.date)}`).join(', ')}; balanced ${balanced.filter(Boolean).length}/${balanced.length}`,
	});
	out.push(await outageHalfway(w));
	out.push(await w.phase('relations field by field', () => relations(w)));
	out.push(await w.phase('an accountant edits a combined payment of a session closed after its day', () => editedPayment(w)));
	// The same checks of the books as after the main run, on everything the scenarios added (the
	// late sale waits for a person: it has no order); today's sessions are not a past day yet.
	const all = sb.codeplus.allInvoices().filter((i) => !(i.StoreId === late.StoreId && i.TransactNum === late.TransactNum));
	const books = await w.phase('the books again after these scenarios', () => checkBooks(rpc, companyId, all, today));
	out.push(...books.map((c) => ({ ...c, what: `after the later scenarios: ${c.what}` })));
	// Last, as it changes the books on purpose: differences made in PixelPoint's data and in Odoo, each on its row of the daily close report.
	const atDayAfter = <T>(fn: () => Promise<T>): Promise<T> => atTime(Date.parse(`${today}T00:00:00Z`) + 86400000 + 6 * 3600000, fn);
	out.push(...(await w.phase('differences in the daily close report', () => checkReportDifferences(rpc, engine, companyId, sb.codeplus.allInvoices(), late, today, atDayAfter, settings))));
	return out;
}

/**
 * 7. An accountant edits a combined card payment of a closed session (the harness's business days
 *    lie long before the real server's today, so every one was closed after its day): its memo.
 *    Its own date (18+) and its entry's must both be the business day, before and after; any later
 *    edit through draft then rewrites the entry with that date.
 */
async function editedPayment(w: ScenarioWorld): Promise<Check> {
	const { rpc, companyId } = w;
	const ctx = { context: { allowed_company_ids: [companyId] } };
	const xids = await rpc.searchRead<{ res_id: number; name: string }>('ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session'], ['name', '=like', 'session_%']], ['res_id', 'name'], { order: 'name' });
	const dayOf = new Map(xids.map((x) => [x.res_id, `${x.name.slice(-8, -4)}-${x.name.slice(-4, -2)}-${x.name.slice(-2)}`]));
	const payments = await rpc.searchRead<{ id: number; date: string; move_id: [number, string]; pos_session_id: [number, string] }>(
		'account.payment',
		[['pos_session_id', 'in', [...dayOf.keys()]], ['pos_session_id.state', '=', 'closed'], ['pos_payment_method_id', '!=', false]],
		['date', 'move_id', 'pos_session_id'],
		{ ...ctx, order: 'id' },
	);
	const target = payments[0];
	if (!target) return { what: 'an edited combined payment of a session closed after its day keeps its entry on the business day', ok: false, detail: 'no combined payment of a closed session' };
	const day = dayOf.get(target.pos_session_id[0]);
	// (Real 18 refuses a posted payment's payment reference, amount or partner: "readonly fields on a
	// posted move"; such an edit goes through draft, where Odoo takes the payment's own date.)
	const edit = w.version >= 18 ? { memo: 'Checked against the bank statement' } : { ref: 'Checked against the bank statement' };
	let refused = '';
	try {
		await rpc.call('account.payment', 'write', [[target.id], edit], ctx);
	} catch (error) {
		refused = (error as Error).message.slice(0, 200);
	}
	const [pay] = await rpc.call<Row[]>('account.payment', 'read', [[target.id]], { fields: ['date', 'move_id'], ...ctx });
	const [move] = await rpc.call<Row[]>('account.move', 'read', [[target.move_id[0]]], { fields: ['date', 'state', 'name'], ...ctx });
	return {
		what: 'an edited combined payment of a session closed after its day keeps its entry on the business day (payment and entry dated alike)',
		ok: !refused && payments.every((p) => p.date === dayOf.get(p.pos_session_id[0])) && pay.date === day && move.date === day && move.state === 'posted',
		detail: `${payments.length} payments of closed sessions, ${payments.filter((p) => p.date === dayOf.get(p.pos_session_id[0])).length} on their day before the edit; edited ${String(move.name)} (${Object.keys(edit).join(', ')})${refused ? `, refused: ${refused}` : ''}: payment ${String(pay.date)}, entry ${String(move.date)} ${String(move.state)} for ${day}`,
	};
}

/**
 * 6. Relations in the Record operations, field by field, on Odoo's own records: a partner's tags
 *    (many2many) set by IDs, added and removed by external ID, replaced and cleared, its parent
 *    company by external ID; an invoice's lines (one2many) created with a product by external ID,
 *    one changed and one removed; tags set by external ID in an upsert (Odoo's import).
 */
async function relations(w: ScenarioWorld): Promise<Check> {
	const { rpc, engine, companyId } = w;
	const ctx = { context: { allowed_company_ids: [companyId] } };
	const tagIds: Record<string, number> = {};
	for (const name of ['VIP', 'Catering', 'Wholesale']) {
		tagIds[name] = await rpc.call<number>('res.partner.category', 'create', [{ name: `${name} (n8n relations)` }]);
		await rpc.call('ir.model.data', 'create', [{ module: 'n8n_relations', name: name.toLowerCase(), model: 'res.partner.category', res_id: tagIds[name] }]);
	}
	const parent = await rpc.call<number>('res.partner', 'create', [{ name: 'Ravintolaketju Oy (n8n relations)', is_company: true }], ctx);
	await rpc.call('ir.model.data', 'create', [{ module: 'n8n_relations', name: 'chain', model: 'res.partner', res_id: parent }]);
	const [product] = await rpc.searchRead<{ module: string; name: string; res_id: number }>('ir.model.data', [['model', '=', 'product.product'], ['module', '=', 'pixelpoint']], ['module', 'name', 'res_id'], { limit: 1, order: 'id' });
	const names = async (partner: number) => {
		const [p] = await rpc.searchRead<{ category_id: number[] }>('res.partner', [['id', '=', partner]], ['category_id'], ctx);
		return Object.entries(tagIds)
			.filter(([, id]) => p.category_id.includes(id))
			.map(([n]) => n)
			.sort()
			.join('+') || '∅';
	};
	type Row = { name: string; value: string; edit?: string };
	const rows = (r: Row[]) => ({ inputMode: 'fields', fieldValues: { values: r } });
	const run = async (operation: string, model: string, params: Record<string, unknown>) => {
		const r = await engine.run(chain([{}], node('Odoo', 'odooErp', { resource: 'record', operation, model: rl(model), ...params })));
		if (r.error) throw new Error(`${operation} ${model}: ${r.error.message}`);
		return r.output('Odoo')[0];
	};
	const seen: string[] = [];
	try {
		const partner = Number(
			(await run('create', 'res.partner', rows([{ name: 'name', value: 'Kahvila Testi (n8n relations)' }, { name: 'category_id', value: `${tagIds.VIP},${tagIds.Catering}` }, { name: 'parent_id', value: 'n8n_relations.chain' }]))).id,
		);
		seen.push(await names(partner));
		const [withParent] = await rpc.searchRead<{ parent_id: [number, string] | false }>('res.partner', [['id', '=', partner]], ['parent_id'], ctx);
		for (const r of [
			[{ name: 'category_id', edit: 'add', value: 'n8n_relations.wholesale' }],
			[{ name: 'category_id', edit: 'remove', value: String(tagIds.VIP) }],
			[{ name: 'category_id', edit: 'remove', value: 'n8n_relations.catering' }, { name: 'category_id', edit: 'add', value: 'n8n_relations.vip' }],
			[{ name: 'category_id', edit: 'set', value: 'n8n_relations.catering' }],
			[{ name: 'category_id', edit: 'clear', value: '' }],
		]) {
			await run('update', 'res.partner', { recordId: String(partner), ...rows(r) });
			seen.push(await names(partner));
		}
		// Skip Unchanged: a removal of a tag it does not have and its own name again write nothing.
		const stamp = async () => (await rpc.searchRead<{ write_date: string }>('res.partner', [['id', '=', partner]], ['write_date'], ctx))[0].write_date;
		const stampBefore = await stamp();
		const skipped = await run('update', 'res.partner', {
			recordId: String(partner),
			...rows([{ name: 'name', value: 'Kahvila Testi (n8n relations)' }, { name: 'category_id', edit: 'remove', value: 'n8n_relations.vip' }]),
			options: { skipUnchanged: true },
		});
		const untouched = skipped.unchanged === true && (await stamp()) === stampBefore;
		const move = Number(
			(
				await run(
					'create',
					'account.move',
					rows([
						{ name: 'move_type', value: 'out_invoice' },
						{ name: 'partner_id', value: 'n8n_relations.chain' },
						{ name: 'invoice_line_ids', edit: 'createLines', value: JSON.stringify([{ name: 'Burgers', quantity: 10, price_unit: 9.5, product_id: `${product.module}.${product.name}` }, { name: 'Delivery', quantity: 1, price_unit: 15 }]) },
					]),
				)
			).id,
		);
		const lines = () => rpc.searchRead<{ id: number; name: string; quantity: number; product_id: [number, string] | false }>('account.move.line', [['move_id', '=', move], ['display_type', '=', 'product']], ['name', 'quantity', 'product_id'], { ...ctx, order: 'id' });
		const made = await lines();
		await run('update', 'account.move', {
			recordId: String(move),
			...rows([
				{ name: 'invoice_line_ids', edit: 'updateLine', value: JSON.stringify({ id: made[0].id, quantity: 12 }) },
				{ name: 'invoice_line_ids', edit: 'remove', value: String(made[1].id) },
			]),
		});
		const after = await lines();
		const upserted = Number((await run('upsertByExternalId', 'res.partner', { namespace: 'n8n_relations', externalId: 'customer_1', ...rows([{ name: 'name', value: 'Asiakas Yksi (n8n relations)' }, { name: 'category_id', value: 'n8n_relations.vip, n8n_relations.wholesale' }]) })).id);
		const upsertTags = await names(upserted);
		// Upsert with relation edits: written after Odoo's import, only when they change something.
		const upsertEdit = { namespace: 'n8n_relations', externalId: 'customer_1', ...rows([{ name: 'category_id', edit: 'add', value: 'n8n_relations.catering' }, { name: 'category_id', edit: 'remove', value: 'n8n_relations.wholesale' }]), options: { skipUnchanged: true } };
		const edited = await run('upsertByExternalId', 'res.partner', upsertEdit);
		const editedTags = await names(upserted);
		const upsertStamp = (await rpc.searchRead<{ write_date: string }>('res.partner', [['id', '=', upserted]], ['write_date'], ctx))[0].write_date;
		const editedAgain = await run('upsertByExternalId', 'res.partner', upsertEdit);
		const upsertUntouched = editedAgain.action === 'unchanged' && (await rpc.searchRead<{ write_date: string }>('res.partner', [['id', '=', upserted]], ['write_date'], ctx))[0].write_date === upsertStamp;
		const withLines = {
			namespace: 'n8n_relations',
			externalId: 'catering_invoice_7',
			...rows([
				{ name: 'move_type', value: 'out_invoice' },
				{ name: 'partner_id', value: 'n8n_relations.chain' },
				{ name: 'invoice_line_ids', edit: 'createLines', value: JSON.stringify([{ name: 'Burgers', quantity: 20, price_unit: 9.5, product_id: `${product.module}.${product.name}` }]) },
			]),
			options: { skipUnchanged: true },
		};
		const invoice = await run('upsertByExternalId', 'account.move', withLines);
		const invoiceAgain = await run('upsertByExternalId', 'account.move', withLines);
		const invoiceLines = await rpc.searchRead<{ quantity: number }>('account.move.line', [['move_id', '=', Number(invoice.id)], ['display_type', '=', 'product']], ['quantity'], ctx);
		return {
			what: "relations field by field on Odoo's records: tags set, added, removed, replaced and cleared by ID and external ID; a parent by external ID; invoice lines created (product by external ID), changed and removed; tags set, added and removed in an upsert (only when they change something); an invoice upserted with its lines, once; an update that changes nothing skipped",
			ok:
				seen.join(' → ') === 'Catering+VIP → Catering+VIP+Wholesale → Catering+Wholesale → VIP+Wholesale → Catering → ∅' &&
				withParent.parent_id !== false &&
				withParent.parent_id[0] === parent &&
				made.length === 2 &&
				made[0].product_id !== false &&
				made[0].product_id[0] === product.res_id &&
				after.length === 1 &&
				after[0].quantity === 12 &&
				upsertTags === 'VIP+Wholesale' &&
				edited.action === 'updated' &&
				editedTags === 'Catering+VIP' &&
				upsertUntouched &&
				invoice.action === 'created' &&
				invoiceAgain.action === 'unchanged' &&
				invoiceLines.length === 1 &&
				invoiceLines[0].quantity === 20 &&
				untouched,
			detail: `tags ${seen.join(' → ')}; parent ${JSON.stringify(withParent.parent_id)}; lines made ${made.map((l) => `${l.name} ×${l.quantity}`).join(', ')}, after ${after.map((l) => `${l.name} ×${l.quantity}`).join(', ')}; upsert tags ${upsertTags}, then +Catering −Wholesale: ${editedTags} (${String(edited.action)}), again: ${String(editedAgain.action)}${upsertUntouched ? ', write date untouched' : ', WRITTEN'}; an upserted invoice with a line: ${String(invoice.action)}, again ${String(invoiceAgain.action)}, ${invoiceLines.length} line(s); an update with Skip Unchanged that changes nothing ${untouched ? 'wrote nothing' : `wrote (${JSON.stringify(skipped)})`}`,
		};
	} catch (e) {
		return { what: 'relations field by field on Odoo\'s records', ok: false, detail: `${(e as Error).message.slice(0, 400)}; tags so far ${seen.join(' → ')}` };
	}
}

/**
 * 5. Odoo goes down halfway through an import (right after answering its first batch of orders) and
 *    comes back: the run stops at once instead of trying the rest piece by piece, keeps what Odoo
 *    took, and leaves the rest waiting; the locks it could not release hold the rest until they are
 *    stale (15 minutes, let pass in the database), and then the next run imports it, each sale once.
 */
async function outageHalfway(w: ScenarioWorld): Promise<Check> {
	const { rpc, sb, settings, today } = w;
	const ctx = { context: { allowed_company_ids: [w.companyId] } };
	// 130 sales of store 3 today (before the harness clock's 08:00 UTC): one batch of 100, then 30.
	const sales = addSales(sb, 3, today, Array.from({ length: 130 }, (_, k) => `${today}T0${5 + Math.floor(k / 60)}:${String(k % 60).padStart(2, '0')}:00+00:00`), 990401);
	const refs = sales.map((i) => `PixelPoint ${i.StoreId}-${i.TransactNum}`);
	const keys = sales.map((i) => `n8n.sync.pixelpoint-order-import.c${w.companyId}.waiting.${i.StoreId}-${i.TransactNum}`);
	const orders = () => rpc.searchRead<{ pos_reference: string; session_id: [number, string]; amount_total: number }>('pos.order', [['pos_reference', 'in', refs]], ['pos_reference', 'session_id', 'amount_total'], ctx);
	const waiting = async () => (await rpc.searchRead<{ key: string; value: string }>('ir.config_parameter', [['key', 'in', keys]], ['key', 'value'])).map((r) => JSON.parse(r.value) as Row);
	const proxy = new OutageProxy(w.odooUrl);
	await proxy.up();
	const engine = w.engineAt(proxy.url);
	try {
		proxy.failAfter(1);
		const t0 = Date.now();
		const first = await w.phase('an import during which Odoo goes down', () => runTemplate(engine, 'pixelpoint-order-import', {}, settings));
		const firstSeconds = (Date.now() - t0) / 1000;
		const afterFirst = await orders();
		const waitingFirst = await waiting();
		await proxy.up();
		const second = await w.phase('the next import, Odoo back, the locks not yet stale', () => runTemplate(engine, 'pixelpoint-order-import', {}, settings));
		const afterSecond = await orders();
		const waitingSecond = await waiting();
		// Fifteen minutes pass for the locks the stopped run left (Odoo stamps create_date itself; no API moves it).
		const aged = sql(w.db, "UPDATE ir_model_data SET create_date = create_date - interval '16 minutes' WHERE module = 'pixelpoint' AND name LIKE 'import\\_lock\\_order\\_%' RETURNING id").split('\n').filter(Boolean).length;
		const third = await w.phase('the import after the locks went stale', () => runTemplate(engine, 'pixelpoint-order-import', {}, settings));
		const final = await orders();
		const waitingThird = await waiting();
		const sold = new Map(sb.codeplus.allInvoices().filter((i) => i.StoreId === 3 && refs.includes(`PixelPoint 3-${i.TransactNum}`)).map((i) => [`PixelPoint 3-${i.TransactNum}`, totalWithTips(i)]));
		const wrong = final.filter((o) => money(o.amount_total) !== money(Number(sold.get(o.pos_reference))));
		const sessions = new Set(final.map((o) => o.session_id[0]));
		const s = (r: { summary: Array<Record<string, unknown>> }) => `${String(r.summary[0]?.status)}, created ${String(r.summary[0]?.created)}, waiting ${String(r.summary[0]?.waitingCount)}`;
		return {
			what: 'Odoo down halfway through an import: the run stops at once keeping the first batch, the rest waits (held by its locks until stale), then is imported once, each order equal to FinalTotal, one session',
			ok:
				// (with Odoo down the run cannot write its waiting list there either: the cursors stay, and the next run reads the sales again)
				!first.ok &&
				afterFirst.length === 100 &&
				afterSecond.length === 100 &&
				waitingSecond.length === 30 &&
				waitingSecond.every((i) => /being imported by another execution/.test(String(i.reason))) &&
				aged >= 30 &&
				// (the run still reports the late sale of the closed session above, which waits for a person)
				Number(third.summary[0]?.created) === 30 &&
				final.length === 130 &&
				new Set(final.map((o) => o.pos_reference)).size === 130 &&
				wrong.length === 0 &&
				sessions.size === 1 &&
				waitingThird.length === 0,
			detail: `first run (${firstSeconds.toFixed(1)} s): ${first.ok ? 'succeeded' : `failed: ${String(first.error ?? '').slice(0, 140)}`}, ${afterFirst.length} orders, ${waitingFirst.length} waiting; second: ${s(second)}, ${afterSecond.length} orders, ${waitingSecond.length} waiting (${String(waitingSecond[0]?.reason ?? '').slice(0, 60)}); ${aged} locks aged; third: ${s(third)}; ${final.length} orders for 130 sales, ${new Set(final.map((o) => o.pos_reference)).size} distinct, ${wrong.length} not equal to FinalTotal, ${sessions.size} session(s), ${waitingThird.length} waiting`,
		};
	} finally {
		await proxy.down();
	}
}
