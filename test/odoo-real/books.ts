/**
 * The books, read from Odoo's own records (never from what a node reported): orders against the
 * POS data, one session per (store, business day), entries posted, balanced and dated on the
 * business day, the POS receivable account's open balance, and what changed between two snapshots.
 */
import { totalWithTips } from '../helpers';
import type { Rpc } from './rpc';

export interface Check {
	what: string;
	ok: boolean;
	detail: string;
}

export const money = (v: number) => Math.round(v * 100) / 100;

export interface PosInvoice {
	StoreId: number;
	TransactNum: number;
	BusinessDate: string;
	Status: string;
	FinalTotal: number;
	Payments: Array<{ MethodNum: number; Amount: number; Tip: number; Change: number }>;
}


type Row = Record<string, unknown>;
export const m2o = (v: unknown) => (Array.isArray(v) ? (v[0] as number) : (v as number | false));

/** `ns`: the external ids' module the company's templates use (its Namespace). */
export async function checkBooks(rpc: Rpc, companyId: number, invoices: PosInvoice[], today: string, ns = 'pixelpoint'): Promise<Check[]> {
	const out: Check[] = [];
	const ctx = { context: { allowed_company_ids: [companyId] } };
	const sold = invoices.filter((i) => i.Status !== 'VOID');
	const orders = await rpc.searchRead('pos.order', [['pos_reference', 'like', 'PixelPoint %']], ['id', 'pos_reference', 'amount_total', 'amount_paid', 'state', 'session_id', 'company_id'], ctx);
	const byRef = new Map(orders.map((o) => [String(o.pos_reference), o]));
	const wrong = sold.filter((i) => money(Number(byRef.get(`PixelPoint ${i.StoreId}-${i.TransactNum}`)?.amount_total ?? NaN)) !== totalWithTips(i));
	out.push({
		what: 'every sold PixelPoint invoice is one Odoo order equal to FinalTotal (and its tip) to the cent',
		ok: orders.length === sold.length && wrong.length === 0,
		detail: `${orders.length} orders for ${sold.length} sold invoices, ${wrong.length} differ${wrong.length ? ` (first: ${wrong[0].StoreId}-${wrong[0].TransactNum})` : ''}`,
	});
	out.push({ what: 'every order is in the restaurant company', ok: orders.every((o) => m2o(o.company_id) === companyId), detail: `${orders.filter((o) => m2o(o.company_id) !== companyId).length} elsewhere` });

	// Line taxes as Odoo itself computes them: account.tax.compute_all for the distinct (taxes, price, quantity)
	// of the lines (up to 2,000), against each line's stored subtotals.
	const orderIds = orders.map((o) => o.id as number);
	const lineRows: Row[] = [];
	for (let k = 0; k < orderIds.length; k += 500) {
		lineRows.push(...(await rpc.searchRead('pos.order.line', [['order_id', 'in', orderIds.slice(k, k + 500)]], ['order_id', 'price_unit', 'qty', 'discount', 'tax_ids', 'price_subtotal', 'price_subtotal_incl', 'full_product_name'], ctx)));
	}
	// Tips: a line of the tip product per tipped order, without tax, equal to PixelPoint's tips; the rest of the order is FinalTotal.
	const tipLines = lineRows.filter((l) => l.full_product_name === 'Tip');
	const tipOf = new Map<number, number>();
	for (const l of tipLines) tipOf.set(m2o(l.order_id) as number, money((tipOf.get(m2o(l.order_id) as number) ?? 0) + Number(l.price_subtotal_incl)));
	const tipWrong = sold.filter((i) => money(tipOf.get(Number(byRef.get(`PixelPoint ${i.StoreId}-${i.TransactNum}`)?.id)) ?? 0) !== money(totalWithTips(i) - i.FinalTotal));
	const taxedTips = tipLines.filter((l) => (l.tax_ids as number[]).length);
	const tips = money(sold.reduce((s, i) => s + totalWithTips(i) - i.FinalTotal, 0));
	out.push({
		what: 'tips are on the orders as a line of the tip product without tax, each equal to the PixelPoint tip',
		ok: tipWrong.length === 0 && taxedTips.length === 0 && (tips === 0 || tipLines.length > 0),
		detail: `${tipLines.length} tip lines, ${tips.toFixed(2)} of tips, ${tipWrong.length} orders whose tip differs, ${taxedTips.length} taxed`,
	});
	const combos = new Map<string, Row[]>();
	for (const l of lineRows) {
		if (l.full_product_name === 'Rounding difference' || l.full_product_name === 'Tip') continue;
		const key = JSON.stringify([[...(l.tax_ids as number[])].sort((a, b) => a - b), l.price_unit, l.qty, l.discount]);
		combos.set(key, [...(combos.get(key) ?? []), l]);
	}
	const sample = [...combos.keys()].sort().slice(0, 2000);
	const taxDiffs: string[] = [];
	for (const key of sample) {
		const [taxIds, price, qty, discount] = JSON.parse(key) as [number[], number, number, number];
		const r = await rpc.call<{ total_excluded: number; total_included: number }>('account.tax', 'compute_all', [taxIds, price * (1 - discount / 100)], { quantity: qty, ...ctx });
		for (const l of combos.get(key)!) {
			if (money(r.total_excluded) !== money(l.price_subtotal as number) || money(r.total_included) !== money(l.price_subtotal_incl as number)) {
				taxDiffs.push(`${String(l.full_product_name)} ${qty} × ${price}: Odoo ${r.total_excluded}/${r.total_included}, line ${String(l.price_subtotal)}/${String(l.price_subtotal_incl)}`);
			}
		}
	}
	out.push({
		what: "order lines' taxes equal Odoo's own account.tax.compute_all",
		ok: taxDiffs.length === 0 && sample.length > 0,
		detail: `${sample.length} distinct (taxes, price, quantity) of ${combos.size} checked, covering ${sample.reduce((a, k) => a + combos.get(k)!.length, 0)} of ${lineRows.length} lines; ${taxDiffs.length} differ${taxDiffs[0] ? ` (first: ${taxDiffs[0]})` : ''}`,
	});

	// No payment above what was due: every customer payment's receivable line is matched in full, and no invoice is overpaid.
	const payments = await rpc.searchRead<{ id: number; move_id: [number, string] | false }>('account.payment', [['partner_type', '=', 'customer'], ['pos_session_id', '=', false], ['state', 'not in', ['draft', 'cancel', 'canceled']]], ['move_id'], ctx);
	const payMoveIds = payments.map((p) => m2o(p.move_id)).filter((x): x is number => !!x);
	const leftovers = payMoveIds.length
		? await rpc.searchRead<{ amount_residual: number; move_id: [number, string] }>('account.move.line', [['move_id', 'in', payMoveIds], ['account_id.account_type', '=', 'asset_receivable'], ['amount_residual', '!=', 0]], ['amount_residual', 'move_id'], ctx)
		: [];
	const overpaid = await rpc.searchRead<{ name: string; amount_residual: number }>('account.move', [['move_type', '=', 'out_invoice'], ['state', '=', 'posted'], ['amount_residual', '<', 0]], ['name', 'amount_residual'], ctx);
	out.push({
		what: 'no payment above the residual: every customer payment is matched in full, no invoice overpaid',
		ok: leftovers.length === 0 && overpaid.length === 0,
		detail: `${payments.length} customer payments, ${leftovers.length} with an unmatched remainder${leftovers[0] ? ` (${leftovers[0].move_id[1]}: ${leftovers[0].amount_residual})` : ''}, ${overpaid.length} overpaid invoices`,
	});

	// Sessions: one per (store, business day), from the external ids the import keeps.
	const xids = await rpc.searchRead<{ name: string; res_id: number }>('ir.model.data', [['module', '=', ns], ['model', '=', 'pos.session']], ['name', 'res_id']);
	const pairs = new Set(sold.map((i) => `session_${i.StoreId}_${i.BusinessDate.replace(/-/g, '')}`));
	out.push({ what: 'one session per (store, business day)', ok: xids.length === pairs.size && xids.every((x) => pairs.has(x.name)), detail: `${xids.length} sessions, ${pairs.size} (store, day) pairs` });
	const sessions = await rpc.call<Row[]>('pos.session', 'read', [xids.map((x) => x.res_id)], { fields: ['name', 'state', 'move_id', 'config_id', 'statement_line_ids'], ...ctx });
	const dayOf = new Map(xids.map((x) => [x.res_id, `${x.name.slice(-8, -4)}-${x.name.slice(-4, -2)}-${x.name.slice(-2)}`]));
	const past = sessions.filter((s) => (dayOf.get(s.id as number) ?? '') < today);
	const open = past.filter((s) => s.state !== 'closed');
	out.push({ what: 'every session of a past business day is closed', ok: open.length === 0, detail: `${past.length - open.length} of ${past.length} closed${open.length ? `; open: ${open.map((s) => `${s.name} (${s.state})`).join(', ')}` : ''}` });

	// Entries: posted, balanced, dated on the business day.
	const moveIds = past.map((s) => m2o(s.move_id)).filter((x): x is number => !!x);
	const moves = moveIds.length ? await rpc.call<Row[]>('account.move', 'read', [moveIds], { fields: ['name', 'date', 'state', 'line_ids'], ...ctx }) : [];
	const moveOf = new Map(moves.map((m) => [m.id as number, m]));
	const bad: string[] = [];
	let lines = 0;
	for (const s of past) {
		const m = moveOf.get(m2o(s.move_id) as number);
		const day = dayOf.get(s.id as number)!;
		if (!m) {
			bad.push(`${s.name}: no entry`);
			continue;
		}
		const ls = await rpc.call<Array<{ debit: number; credit: number }>>('account.move.line', 'read', [m.line_ids], { fields: ['debit', 'credit'], ...ctx });
		lines += ls.length;
		const debit = money(ls.reduce((a, l) => a + l.debit, 0));
		const credit = money(ls.reduce((a, l) => a + l.credit, 0));
		if (m.state !== 'posted' || m.date !== day || debit !== credit) bad.push(`${s.name} ${m.name}: ${m.state}, dated ${m.date} for ${day}, debit ${debit} credit ${credit}`);
	}
	out.push({ what: "each closed session's entry is posted, balanced and dated on its business day", ok: bad.length === 0 && moves.length === past.length, detail: `${moves.length} entries, ${lines} lines${bad.length ? `; ${bad.slice(0, 3).join('; ')}` : ''}` });

	// The sessions' entries (their own, cash lines, combined bank payments): nothing left open on a reconcilable account.
	const sessionIds = sessions.map((s) => s.id as number);
	const payRows = await rpc.searchRead('account.payment', [['pos_session_id', 'in', sessionIds], ['pos_payment_method_id', '!=', false]], ['move_id', 'pos_session_id', 'date'], ctx);
	const cashRows = await rpc.searchRead('account.bank.statement.line', [['pos_session_id', 'in', sessionIds]], ['move_id', 'pos_session_id'], ctx);
	const payMoves = payRows.map((p) => m2o(p.move_id));
	const cashMoves = cashRows.map((l) => m2o(l.move_id));
	const allMoves = [...moveIds, ...payMoves, ...cashMoves].filter((x): x is number => !!x);
	// Each one of a closed session on that session's business day (an open session's are not final yet).
	const closedIds = new Set(sessions.filter((s) => s.state === 'closed').map((s) => s.id as number));
	const sessionOfMove = new Map([...payRows, ...cashRows].map((r) => [m2o(r.move_id), m2o(r.pos_session_id) as number]));
	const ofClosed = [...payMoves, ...cashMoves].filter((x): x is number => !!x && closedIds.has(sessionOfMove.get(x) as number));
	const dated = ofClosed.length ? await rpc.call<Row[]>('account.move', 'read', [ofClosed], { fields: ['date', 'state'], ...ctx }) : [];
	const offDay = dated.filter((m) => m.state !== 'posted' || m.date !== dayOf.get(sessionOfMove.get(m.id as number) as number));
	out.push({
		what: "cash lines and combined bank payments of closed sessions are posted and dated on their session's business day",
		ok: offDay.length === 0,
		detail: `${payMoves.length} bank payments, ${cashMoves.length} cash lines (${dated.length} of closed sessions)${offDay[0] ? `; ${offDay.length} not, first ${String(offDay[0].id)}: ${String(offDay[0].state)} ${String(offDay[0].date)} for ${dayOf.get(sessionOfMove.get(offDay[0].id as number) as number)}` : ''}`,
	});
	// The payments' own dates (account.payment.date: the payment's own field from 18, its entry's on 17).
	const payOffDay = payRows.filter((p) => closedIds.has(m2o(p.pos_session_id) as number) && p.date !== dayOf.get(m2o(p.pos_session_id) as number));
	out.push({
		what: "combined bank payments of closed sessions carry their session's business day as their own date (account.payment.date)",
		ok: payOffDay.length === 0,
		detail: `${payRows.filter((p) => closedIds.has(m2o(p.pos_session_id) as number)).length} payments of closed sessions; ${payOffDay.length} off their day${payOffDay[0] ? `, first ${String(payOffDay[0].id)} dated ${String(payOffDay[0].date)} for ${dayOf.get(m2o(payOffDay[0].pos_session_id) as number)}` : ''}`,
	});
	// PixelPoint does not count the drawer: no close may make Odoo post a cash difference (a loss or profit that never happened).
	const differences = cashRows.length ? await rpc.searchRead<{ payment_ref: string; amount: number }>('account.bank.statement.line', [['pos_session_id', 'in', sessionIds], ['payment_ref', 'ilike', 'Cash difference']], ['payment_ref', 'amount'], ctx) : [];
	out.push({
		what: 'no cash difference posted at any close',
		ok: differences.length === 0,
		detail: `${cashRows.length} cash lines of the sessions; ${differences.length} cash differences${differences[0] ? `, first ${differences[0].payment_ref} ${differences[0].amount}` : ''}`,
	});
	// The POS receivable accounts: the company's default and each payment method's. (The bank's outstanding
	// receipts stay open until the bank statement is reconciled: that is the bank's business, not the close's.)
	const methods = await rpc.searchRead('pos.payment.method', [], ['receivable_account_id'], ctx);
	const company = (await rpc.call<Row[]>('res.company', 'read', [[companyId]], { fields: ['account_default_pos_receivable_account_id'], ...ctx }))[0];
	const receivables = [...new Set([m2o(company.account_default_pos_receivable_account_id), ...methods.map((m) => m2o(m.receivable_account_id))].filter((x): x is number => !!x))];
	const openLines = await rpc.searchRead<{ amount_residual: number; account_id: [number, string] }>(
		'account.move.line',
		[['move_id', 'in', allMoves], ['account_id', 'in', receivables], ['reconciled', '=', false], ['amount_residual', '!=', 0]],
		['amount_residual', 'account_id'],
		ctx,
	);
	const residual = money(openLines.reduce((a, l) => a + l.amount_residual, 0));
	out.push({ what: 'the POS receivable is reconciled after the close: its open balance is 0.00', ok: openLines.length === 0, detail: `${openLines.length} open lines, ${residual.toFixed(2)} open${openLines[0] ? ` on ${openLines[0].account_id[1]}` : ''}` });

	// Each session's takings per payment method are what PixelPoint collected: amount + tip − change.
	const tenderXids = await rpc.searchRead<{ name: string; res_id: number }>('ir.model.data', [['module', '=', ns], ['model', '=', 'pos.payment.method']], ['name', 'res_id']);
	const methodOf = new Map(tenderXids.map((x) => [x.name, x.res_id]));
	const sessionOf = new Map(orders.map((o) => [String(o.pos_reference), m2o(o.session_id) as number]));
	const collected = new Map<string, number>();
	for (const i of sold) {
		for (const p of i.Payments) {
			const k = `${sessionOf.get(`PixelPoint ${i.StoreId}-${i.TransactNum}`)}|${methodOf.get(`tender_${i.StoreId}_${p.MethodNum}`) ?? methodOf.get(`paymethod_${p.MethodNum}`)}`;
			collected.set(k, money((collected.get(k) ?? 0) + p.Amount + p.Tip - p.Change));
		}
	}
	const taken = new Map<string, number>();
	for (let k = 0; k < orderIds.length; k += 1000) {
		for (const p of await rpc.searchRead<{ amount: number; payment_method_id: [number, string]; pos_order_id: [number, string] }>('pos.payment', [['pos_order_id', 'in', orderIds.slice(k, k + 1000)]], ['amount', 'payment_method_id', 'pos_order_id'], ctx)) {
			const order = orders.find((o) => o.id === m2o(p.pos_order_id));
			const key = `${m2o(order?.session_id)}|${m2o(p.payment_method_id)}`;
			taken.set(key, money((taken.get(key) ?? 0) + p.amount));
		}
	}
	const differ = [...new Set([...collected.keys(), ...taken.keys()])].filter((k) => money(collected.get(k) ?? 0) !== money(taken.get(k) ?? 0));
	const sum = (m: Map<string, number>) => money([...m.values()].reduce((a, v) => a + v, 0));
	out.push({
		what: "each session's takings per payment method equal the PixelPoint payments (amount + tip − change)",
		ok: differ.length === 0 && collected.size > 0,
		detail: `${collected.size} (session, method) pairs, ${sum(taken).toFixed(2)} in Odoo for ${sum(collected).toFixed(2)} collected; ${differ.length} differ${differ[0] ? ` (first: ${differ[0]}: Odoo ${taken.get(differ[0])}, PixelPoint ${collected.get(differ[0])})` : ''}`,
	});
	return out;
}

/** What a second run must not change: counts, write dates and chatter of the records the flows touch. */
export async function snapshot(rpc: Rpc, companyId: number): Promise<Record<string, unknown>> {
	const ctx = { context: { allowed_company_ids: [companyId], active_test: false } };
	const out: Record<string, unknown> = {};
	for (const model of ['pos.order', 'pos.session', 'account.move', 'account.payment', 'product.product', 'pos.config', 'pos.payment.method', 'pos.category', 'res.partner', 'product.pricelist']) {
		const rows = await rpc.searchRead(model, [], ['write_date'], ctx);
		out[model] = { count: rows.length, lastWrite: rows.map((r) => String(r.write_date)).sort().at(-1) ?? '' };
	}
	// The flows' own state (cursors, waiting items): a run that reads nothing new writes none of it.
	const sync = await rpc.searchRead('ir.config_parameter', [['key', '=like', 'n8n.%']], ['key', 'value', 'write_date']);
	out['ir.config_parameter n8n.*'] = { count: sync.length, lastWrite: sync.map((r) => String(r.write_date)).sort().at(-1) ?? '' };
	out['mail.message'] = (await rpc.call<number>('mail.message', 'search_count', [[['model', 'in', ['account.move', 'account.payment', 'pos.session', 'res.partner']]]])) as number;
	return out;
}
