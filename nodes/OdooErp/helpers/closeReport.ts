/**
 * The daily close report: for each store and business day of a company, what PixelPoint sold
 * beside what Odoo's own records hold (orders, payments per method, the session, its entry, the
 * POS receivable left open, cash differences, receipts still waiting), and whether they agree.
 * Read in a bounded number of calls: one query per kind of record, paged, never one per order.
 */
import type { IDataObject } from 'n8n-workflow';
import type { OdooClient } from '../transport';
import type { ExternalIdRow } from './interfaces';
import type { PpXids } from './pixelpoint';
import { dateOfSessionXid } from './posSessions';
import { readState } from './syncState';
// Money to the cent as the import rounds it (Odoo's float_round).
import { roundTo as money } from './taxEngine';
const PAGE = 2000;

/** A PixelPoint invoice as the PixelPoint node gives it (only what the report reads). */
export interface ReportInvoice {
	StoreId: number;
	TransactNum: number;
	BusinessDate: string;
	Status: string;
	FinalTotal: number;
	Payments?: Array<{ MethodNum: number; MethodName?: string; Amount: number; Tip?: number; Change?: number }>;
}

export interface Difference extends IDataObject {
	what: string;
	/** PixelPoint's figure less Odoo's, where the difference is an amount. */
	amount?: number;
}

export interface ReportRow extends IDataObject {
	storeId: number;
	store: string;
	businessDate: string;
	agrees: boolean;
	differences: Difference[];
	pixelpoint: { sold: number; refunded: number; voided: number; total: number; tips: number; tenders: Record<string, number> } | null;
	odoo: {
		sessionId: number | null;
		session: string | null;
		state: string | null;
		orders: number;
		total: number;
		tips: number;
		rounding: number;
		payments: Record<string, number>;
		entry: { name: string; state: string; date: string; balanced: boolean } | null;
		receivableOpen: number;
		cashDifference: number;
		waiting: number;
		waitingReasons: string[];
	};
}

type Row = Record<string, unknown> & { id: number };
const m2o = (v: unknown): number | undefined => (Array.isArray(v) ? (v[0] as number) : typeof v === 'number' ? v : undefined);

/** Every row of a search, page by page: the calls grow with the pages, not with the records' kind. */
async function searchAll(client: OdooClient, model: string, domain: unknown[], fields: string[], calls: { n: number }): Promise<Row[]> {
	const out: Row[] = [];
	for (let offset = 0; ; offset += PAGE) {
		calls.n++;
		const page = await client.call<Row[]>(model, 'search_read', { args: [domain], kwargs: { fields, limit: PAGE, offset, order: 'id' } });
		out.push(...page);
		if (page.length < PAGE) return out;
	}
}

/** The external ids of a namespace for one model: name → record id. */
async function xidsOf(client: OdooClient, module: string, model: string, calls: { n: number }, like?: string): Promise<Map<string, number>> {
	calls.n++;
	const rows = await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
		args: [[['module', '=', module], ['model', '=', model], ...(like ? [['name', '=like', like]] : [])]],
		kwargs: { fields: ['name', 'res_id'] },
	});
	return new Map(rows.map((r) => [r.name, r.res_id]));
}

export interface ReportOptions {
	from: string;
	to: string;
	/** The day the report is made on (in the stores' time zone): sessions of earlier days should be closed. */
	today: string;
	/** Flow whose waiting list explains receipts missing in Odoo; empty: none. */
	waitingFlow: string;
}

/** Builds the rows (one per store and business day found on either side) and counts its Odoo calls. */
export async function closeReport(client: OdooClient, x: PpXids, invoices: ReportInvoice[], o: ReportOptions): Promise<{ rows: ReportRow[]; calls: number }> {
	const calls = { n: 0 };
	const module = x.store(0).split('.')[0];
	const inRange = (d: string | undefined): d is string => !!d && d >= o.from && d <= o.to;

	// Sessions of the range, by their external ids (session_<store>_<yyyymmdd>).
	const sessionXids = await xidsOf(client, module, 'pos.session', calls, 'session_%');
	const sessionOf = new Map<string, number>();
	for (const [name, id] of sessionXids) {
		const date = dateOfSessionXid(name);
		const store = /^session_(\d+)_/.exec(name)?.[1];
		if (store && inRange(date)) sessionOf.set(`${store}|${date}`, id);
	}
	const sessionIds = [...sessionOf.values()];
	const storeXids = await xidsOf(client, module, 'pos.config', calls, 'store_%');
	const configs = storeXids.size ? (calls.n++, await client.call<Row[]>('pos.config', 'read', { ids: [...storeXids.values()], kwargs: { fields: ['name'] } })) : [];
	const storeName = new Map<number, string>();
	for (const [name, id] of storeXids) storeName.set(Number(name.slice('store_'.length)), String(configs.find((c) => c.id === id)?.name ?? name));

	const sessions = sessionIds.length ? await searchAll(client, 'pos.session', [['id', 'in', sessionIds]], ['name', 'state', 'move_id'], calls) : [];
	const orders = sessionIds.length ? await searchAll(client, 'pos.order', [['session_id', 'in', sessionIds]], ['session_id', 'amount_total', 'tip_amount'], calls) : [];
	const payments = sessionIds.length ? await searchAll(client, 'pos.payment', [['session_id', 'in', sessionIds]], ['session_id', 'payment_method_id', 'amount'], calls) : [];
	const productXids = await xidsOf(client, module, 'product.product', calls, 'rounding_product');
	const roundingId = productXids.get('rounding_product');
	const roundingLines =
		sessionIds.length && roundingId
			? await searchAll(client, 'pos.order.line', [['order_id.session_id', 'in', sessionIds], ['product_id', '=', roundingId]], ['order_id', 'price_subtotal_incl'], calls)
			: [];
	const sessionOfOrder = new Map(orders.map((r) => [r.id, m2o(r.session_id)]));

	// The entries: each session's own, and its combined bank payments' (their receivable lines are reconciled at the close).
	const moveIds = sessions.map((s) => m2o(s.move_id)).filter((v): v is number => !!v);
	const combined = sessionIds.length ? await searchAll(client, 'account.payment', [['pos_session_id', 'in', sessionIds]], ['pos_session_id', 'move_id'], calls) : [];
	const moveSession = new Map<number, number>();
	for (const s of sessions) if (m2o(s.move_id)) moveSession.set(m2o(s.move_id)!, s.id);
	for (const p of combined) if (m2o(p.move_id)) moveSession.set(m2o(p.move_id)!, m2o(p.pos_session_id)!);
	const allMoves = [...moveSession.keys()];
	const moves = moveIds.length ? await searchAll(client, 'account.move', [['id', 'in', moveIds]], ['name', 'state', 'date'], calls) : [];
	const lines = allMoves.length ? await searchAll(client, 'account.move.line', [['move_id', 'in', allMoves]], ['move_id', 'account_id', 'debit', 'credit', 'amount_residual', 'reconciled'], calls) : [];
	// The POS receivable accounts: the company's default and each payment method's.
	const company = await client.company();
	calls.n += 2;
	const [companyRow] = await client.call<Row[]>('res.company', 'read', { ids: [company.id], kwargs: { fields: ['account_default_pos_receivable_account_id'] } });
	const methods = await client.call<Row[]>('pos.payment.method', 'search_read', { args: [[]], kwargs: { fields: ['name', 'receivable_account_id'], context: { active_test: false } } });
	const receivables = new Set([m2o(companyRow?.account_default_pos_receivable_account_id), ...methods.map((m) => m2o(m.receivable_account_id))].filter((v): v is number => !!v));
	const methodName = new Map(methods.map((m) => [m.id, String(m.name)]));
	const differences = sessionIds.length
		? await searchAll(client, 'account.bank.statement.line', [['pos_session_id', 'in', sessionIds], ['payment_ref', 'ilike', 'Cash difference']], ['pos_session_id', 'amount'], calls)
		: [];
	// A PixelPoint tender → the Odoo method the import books it on (the store's own cash method, else the shared card method).
	const tenderXids = await xidsOf(client, module, 'pos.payment.method', calls);
	const methodOfTender = (storeId: number, num: number) => tenderXids.get(`tender_${storeId}_${num}`) ?? tenderXids.get(`paymethod_${num}`);
	let waiting: Array<{ scope: string; reason: string; details: IDataObject }> = [];
	if (o.waitingFlow) {
		calls.n++;
		waiting = (await readState(client, o.waitingFlow)).waiting;
	}

	// The rows: every (store, day) either side knows of.
	const keys = new Set<string>(sessionOf.keys());
	for (const inv of invoices) if (inRange(inv.BusinessDate)) keys.add(`${inv.StoreId}|${inv.BusinessDate}`);
	for (const w of waiting) if (inRange(String(w.details?.BusinessDate ?? ''))) keys.add(`${w.scope}|${String(w.details.BusinessDate)}`);
	const rows: ReportRow[] = [];
	for (const key of keys) {
		const [store, date] = key.split('|');
		const storeId = Number(store);
		const sid = sessionOf.get(key);
		const session = sessions.find((s) => s.id === sid);
		const its = <T extends Row>(list: T[], field: string) => list.filter((r) => m2o(r[field]) === sid);
		const myOrders = sid ? its(orders, 'session_id') : [];
		const myPayments = sid ? its(payments, 'session_id') : [];
		const paymentsBy: Record<string, number> = {};
		const byMethodId = new Map<number, number>();
		for (const p of myPayments) {
			const m = m2o(p.payment_method_id)!;
			byMethodId.set(m, money((byMethodId.get(m) ?? 0) + Number(p.amount)));
		}
		for (const [m, v] of byMethodId) paymentsBy[methodName.get(m) ?? String(m)] = v;
		const move = moves.find((mv) => mv.id === m2o(session?.move_id));
		const myLines = lines.filter((l) => moveSession.get(m2o(l.move_id)!) === sid && sid !== undefined);
		const entryLines = lines.filter((l) => m2o(l.move_id) === move?.id);
		const debit = money(entryLines.reduce((s, l) => s + Number(l.debit), 0));
		const credit = money(entryLines.reduce((s, l) => s + Number(l.credit), 0));
		const receivableOpen = money(myLines.filter((l) => receivables.has(m2o(l.account_id)!) && !l.reconciled).reduce((s, l) => s + Number(l.amount_residual), 0));
		const myWaiting = waiting.filter((w) => w.scope === store && w.details?.BusinessDate === date);
		const reasons = [...new Set(myWaiting.map((w) => w.reason))];
		const odoo: ReportRow['odoo'] = {
			sessionId: sid ?? null,
			session: session ? String(session.name) : null,
			state: session ? String(session.state) : null,
			orders: myOrders.length,
			total: money(myOrders.reduce((s, r) => s + Number(r.amount_total), 0)),
			tips: money(myOrders.reduce((s, r) => s + Number(r.tip_amount ?? 0), 0)),
			rounding: money(roundingLines.filter((l) => sessionOfOrder.get(m2o(l.order_id)!) === sid && sid !== undefined).reduce((s, l) => s + Number(l.price_subtotal_incl), 0)),
			payments: paymentsBy,
			entry: move ? { name: String(move.name), state: String(move.state), date: String(move.date), balanced: debit === credit } : null,
			receivableOpen,
			cashDifference: money(differences.filter((d) => m2o(d.pos_session_id) === sid && sid !== undefined).reduce((s, d) => s + Number(d.amount), 0)),
			waiting: myWaiting.length,
			waitingReasons: reasons.slice(0, 3),
		};
		const mine = invoices.filter((i) => i.StoreId === storeId && i.BusinessDate === date);
		const counted = mine.filter((i) => i.Status !== 'VOID');
		const tenders: Record<string, number> = {};
		const tenderByMethod = new Map<number, number>();
		for (const inv of counted)
			for (const p of inv.Payments ?? []) {
				const amount = money(p.Amount + (p.Tip ?? 0) - (p.Change ?? 0));
				const label = p.MethodName ?? `tender ${p.MethodNum}`;
				tenders[label] = money((tenders[label] ?? 0) + amount);
				const m = methodOfTender(storeId, p.MethodNum);
				if (m !== undefined) tenderByMethod.set(m, money((tenderByMethod.get(m) ?? 0) + amount));
			}
		const pixelpoint: ReportRow['pixelpoint'] = mine.length
			? {
					sold: mine.filter((i) => i.Status === 'CLOSED').length,
					refunded: mine.filter((i) => i.Status === 'REFUND').length,
					voided: mine.filter((i) => i.Status === 'VOID').length,
					total: money(counted.reduce((s, i) => s + i.FinalTotal + (i.Payments ?? []).reduce((t, p) => t + (p.Tip ?? 0), 0), 0)),
					tips: money(counted.reduce((s, i) => s + (i.Payments ?? []).reduce((t, p) => t + (p.Tip ?? 0), 0), 0)),
					tenders,
				}
			: null;
		const diffs: Difference[] = [];
		const eur = (v: number) => v.toFixed(2);
		if (pixelpoint) {
			const expected = pixelpoint.sold + pixelpoint.refunded;
			if (expected !== odoo.orders) {
				const missing = expected - odoo.orders;
				diffs.push({
					what:
						missing > 0
							? `${missing} receipt${missing === 1 ? '' : 's'} of PixelPoint not in Odoo${odoo.waiting ? `; ${odoo.waiting} waiting: ${reasons.slice(0, 2).join('; ')}` : ''}`
							: `${-missing} order${missing === -1 ? '' : 's'} in Odoo that PixelPoint's receipts of the day do not have`,
				});
			}
			if (money(pixelpoint.total - odoo.total) !== 0) diffs.push({ what: `total ${eur(pixelpoint.total)} in PixelPoint, ${eur(odoo.total)} in Odoo`, amount: money(pixelpoint.total - odoo.total) });
			for (const m of new Set([...tenderByMethod.keys(), ...byMethodId.keys()])) {
				const pp = tenderByMethod.get(m) ?? 0;
				const od = byMethodId.get(m) ?? 0;
				if (money(pp - od) !== 0) diffs.push({ what: `${methodName.get(m) ?? `method ${m}`} ${eur(pp)} in PixelPoint, ${eur(od)} in Odoo`, amount: money(pp - od) });
			}
		} else if (odoo.waiting) diffs.push({ what: `${odoo.waiting} receipt${odoo.waiting === 1 ? '' : 's'} waiting: ${reasons.slice(0, 2).join('; ')}` });
		if (!session && pixelpoint && pixelpoint.sold + pixelpoint.refunded > 0) diffs.push({ what: 'no POS session in Odoo for this day' });
		if (session && date < o.today) {
			if (session.state !== 'closed') diffs.push({ what: `session ${String(session.name)} is still open` });
			else if (!move) diffs.push({ what: `session ${String(session.name)} is closed without a journal entry` });
			else {
				if (move.state !== 'posted') diffs.push({ what: `entry ${String(move.name)} is ${String(move.state)}, not posted` });
				if (debit !== credit) diffs.push({ what: `entry ${String(move.name)} is not balanced: debit ${eur(debit)}, credit ${eur(credit)}`, amount: money(debit - credit) });
				if (move.date !== date) diffs.push({ what: `entry ${String(move.name)} is dated ${String(move.date)}, not on its business day` });
				if (receivableOpen !== 0) diffs.push({ what: `POS receivable ${eur(receivableOpen)} left open`, amount: receivableOpen });
			}
		}
		if (odoo.cashDifference) diffs.push({ what: `cash difference ${eur(odoo.cashDifference)} posted at the close`, amount: odoo.cashDifference });
		rows.push({ storeId, store: storeName.get(storeId) ?? `Store ${store}`, businessDate: date, agrees: diffs.length === 0, differences: diffs, pixelpoint, odoo });
	}
	// Days that differ first, then by day and store.
	rows.sort((a, b) => Number(a.agrees) - Number(b.agrees) || (a.businessDate < b.businessDate ? -1 : a.businessDate > b.businessDate ? 1 : a.storeId - b.storeId));
	return { rows, calls: calls.n };
}

/** A business day's customer invoices and credit notes on their way to Procountor. */
export interface InvoiceDayRow extends IDataObject {
	kind: 'procountor';
	businessDate: string;
	agrees: boolean;
	differences: Difference[];
	procountor: {
		/** Posted in Odoo on the day (invoice date), credit notes included. */
		invoices: number;
		creditNotes: number;
		/** Their total, credit notes negative. */
		total: number;
		sent: number;
		creditNotesSent: number;
		/** Failed and sent again on every run (e.g. Procountor out of reach, a customer who cannot be reached). */
		waiting: number;
		/** Procountor answered that it will not take them as they are. */
		refused: number;
		/** A person decided not to send them. */
		skipped: number;
		/** Neither sent nor waiting: the next run of the send flow takes them. */
		notSent: number;
		paid: number;
		partlyPaid: number;
	};
}

export interface ProcountorOptions {
	from: string;
	to: string;
	today: string;
	/** The invoice send flow whose waiting list and start date are read. */
	flow: string;
	/** The external ids' module of exported invoices (`<namespace>.invoice_<Procountor id>`). */
	namespace: string;
	/** The send flow's start date where its user set one (its Settings → startDate). */
	sentFrom?: string;
}

/**
 * Per business day, the company's posted customer invoices and credit notes beside what reached
 * Procountor: sent (an external id recorded at the export), waiting, refused, skipped, not sent yet,
 * and paid as Odoo shows it (Procountor's payments are registered on the invoices). Empty when the
 * send flow never ran for this company and nothing was sent: the group does not use Procountor.
 */
export async function procountorRows(client: OdooClient, o: ProcountorOptions, calls: { n: number }): Promise<InvoiceDayRow[]> {
	calls.n++;
	const state = await readState(client, o.flow);
	const company = await client.company();
	const invoices = await searchAll(
		client,
		'account.move',
		[['company_id', '=', company.id], ['move_type', 'in', ['out_invoice', 'out_refund']], ['state', '=', 'posted'], ['invoice_date', '>=', o.from], ['invoice_date', '<=', o.to]],
		['name', 'move_type', 'invoice_date', 'amount_total', 'payment_state'],
		calls,
	);
	const sentRows = invoices.length
		? (calls.n++,
			await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
				args: [[['module', '=', o.namespace], ['model', '=', 'account.move'], ['name', '=like', 'invoice_%'], ['res_id', 'in', invoices.map((i) => i.id)]]],
				kwargs: { fields: ['name', 'res_id'] },
			}))
		: [];
	if (!state.cursors.startDate && !sentRows.length) return [];
	const sent = new Set(sentRows.map((r) => r.res_id));
	// Where sending starts: the flow's first day (kept in its state), or earlier where the user set
	// its start date (the option here) or where invoices were already sent from.
	const firstSent = invoices.filter((i) => sent.has(i.id)).reduce<string | undefined>((d, i) => (!d || String(i.invoice_date) < d ? String(i.invoice_date) : d), undefined);
	const startDate = [state.cursors.startDate, firstSent, o.sentFrom].filter((d): d is string => !!d).sort()[0];
	const waitingOf = new Map(state.waiting.map((w) => [Number(w.key), w]));
	const skipped = new Set(state.skipped.map((w) => Number(w.key)));
	const byDay = new Map<string, Row[]>();
	for (const inv of invoices) {
		const day = String(inv.invoice_date);
		const list = byDay.get(day);
		if (list) list.push(inv);
		else byDay.set(day, [inv]);
	}
	const signed = (inv: Row) => (inv.move_type === 'out_refund' ? -1 : 1) * Number(inv.amount_total);
	const sum = (list: Row[]) => money(list.reduce((s, i) => s + signed(i), 0));
	const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
	const names = (list: Row[]) => list.slice(0, 3).map((i) => String(i.name)).join(', ') + (list.length > 3 ? ', …' : '');
	const rows: InvoiceDayRow[] = [];
	for (const [day, list] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
		const waitingHere = list.filter((i) => !sent.has(i.id) && waitingOf.has(i.id));
		const refused = waitingHere.filter((i) => waitingOf.get(i.id)!.details?.refused === true);
		const waiting = waitingHere.filter((i) => waitingOf.get(i.id)!.details?.refused !== true);
		const skippedHere = list.filter((i) => !sent.has(i.id) && !waitingOf.has(i.id) && skipped.has(i.id));
		// Before the flow's start date nothing is sent on purpose; today's may still be on their way.
		const notSent = list.filter((i) => !sent.has(i.id) && !waitingOf.has(i.id) && !skipped.has(i.id) && (!startDate || day >= startDate));
		const mine = list.filter((i) => sent.has(i.id));
		const reasonOf = (l: Row[]) => [...new Set(l.map((i) => waitingOf.get(i.id)!.reason))].slice(0, 2).join('; ');
		const diffs: Difference[] = [];
		if (refused.length) diffs.push({ what: `${plural(refused.length, 'invoice')} refused by Procountor (${names(refused)}): ${reasonOf(refused)}`, amount: sum(refused) });
		if (waiting.length) diffs.push({ what: `${plural(waiting.length, 'invoice')} waiting to be sent to Procountor (${names(waiting)}): ${reasonOf(waiting)}`, amount: sum(waiting) });
		if (notSent.length && day < o.today) diffs.push({ what: `${plural(notSent.length, 'invoice')} posted in Odoo not sent to Procountor (${names(notSent)})`, amount: sum(notSent) });
		rows.push({
			kind: 'procountor',
			businessDate: day,
			agrees: diffs.length === 0,
			differences: diffs,
			procountor: {
				invoices: list.length,
				creditNotes: list.filter((i) => i.move_type === 'out_refund').length,
				total: sum(list),
				sent: mine.length,
				creditNotesSent: mine.filter((i) => i.move_type === 'out_refund').length,
				waiting: waiting.length,
				refused: refused.length,
				skipped: skippedHere.length,
				notSent: notSent.length,
				paid: mine.filter((i) => ['paid', 'in_payment'].includes(String(i.payment_state))).length,
				partlyPaid: mine.filter((i) => i.payment_state === 'partial').length,
			},
		});
	}
	return rows;
}
