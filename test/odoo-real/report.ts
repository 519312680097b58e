/**
 * The daily close report on real Odoo: after the import and the close every row agrees, its Odoo
 * figures equal Odoo's own records read here (orders and their totals per session, payments per
 * method), and a receipt PixelPoint has that Odoo does not is reported on its row with its amount.
 */
import type { IDataObject } from 'n8n-workflow';
import type { Engine } from '../../runner/engine';
import { type TemplateSettings, runTemplate } from '../../runner/flows';
import { chain, node, totalWithTips } from '../helpers';
import { type Check, type PosInvoice, m2o, money } from './books';
import type { Rpc } from './rpc';

const report = (from: string, to: string) => node('Report', 'odooErp', { resource: 'posSession', operation: 'closeReport', from, to, timezone: 'Europe/Helsinki', waitingFlow: 'pixelpoint-order-import' });

async function rows(engine: Engine, invoices: PosInvoice[], from: string, to: string): Promise<{ rows: IDataObject[]; invoiceDays: IDataObject[]; summary: IDataObject; error?: string }> {
	const r = await engine.run(chain(invoices, report(from, to)));
	const out = r.output('Report');
	return {
		rows: out.filter((j) => !j.summary && j.storeId !== undefined),
		invoiceDays: out.filter((j) => j.kind === 'procountor'),
		summary: out.find((j) => j.summary) ?? {},
		error: r.error?.message ?? (out[0]?.error as string | undefined),
	};
}

/** Odoo's own count of the company's posted customer invoices and credit notes per invoice date, and of those with the send flow's external id. */
async function invoicesPerDay(rpc: Rpc, companyId: number, from: string, to: string): Promise<Map<string, { invoices: number; sent: number }>> {
	const moves = await rpc.searchRead<{ id: number; invoice_date: string }>(
		'account.move',
		[['company_id', '=', companyId], ['move_type', 'in', ['out_invoice', 'out_refund']], ['state', '=', 'posted'], ['invoice_date', '>=', from], ['invoice_date', '<=', to]],
		['invoice_date'],
		{ context: { allowed_company_ids: [companyId] } },
	);
	const xids = await rpc.searchRead<{ res_id: number }>('ir.model.data', [['module', '=', 'procountor'], ['model', '=', 'account.move'], ['res_id', 'in', moves.map((m) => m.id)]], ['res_id']);
	const sent = new Set(xids.map((x) => x.res_id));
	const out = new Map<string, { invoices: number; sent: number }>();
	for (const m of moves) {
		const d = out.get(m.invoice_date) ?? { invoices: 0, sent: 0 };
		d.invoices++;
		if (sent.has(m.id)) d.sent++;
		out.set(m.invoice_date, d);
	}
	return out;
}

export async function checkReport(rpc: Rpc, engine: Engine, companyId: number, invoices: PosInvoice[]): Promise<Check[]> {
	const out: Check[] = [];
	const days = [...new Set(invoices.map((i) => i.BusinessDate))].sort();
	const [from, to] = [days[0], days[days.length - 1]];
	const started = Date.now();
	const r = await rows(engine, invoices, from, to);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	const differ = r.rows.filter((x) => !x.agrees);
	out.push({
		what: 'the daily close report: every store day agrees after the import and the close',
		ok: !r.error && r.rows.length > 0 && differ.length === 0,
		detail: r.error ?? `${r.rows.length} store days, ${differ.length} differ${differ[0] ? `: ${String(differ[0].store)} ${String(differ[0].businessDate)} ${JSON.stringify(differ[0].differences)}` : ''}; ${String(r.summary.odooCalls)} Odoo calls, ${seconds} s for ${r.rows.length} store days and ${invoices.length} receipts`,
	});
	// Odoo's own records, per session: the report's figures must be these.
	const ctx = { context: { allowed_company_ids: [companyId] } };
	const orders = await rpc.searchRead<{ session_id: [number, string]; amount_total: number }>('pos.order', [['pos_reference', 'like', 'PixelPoint %']], ['session_id', 'amount_total'], ctx);
	const payments = await rpc.searchRead<{ session_id: [number, string]; amount: number; payment_method_id: [number, string] }>('pos.payment', [['session_id', 'in', [...new Set(orders.map((o) => m2o(o.session_id) as number))]]], ['session_id', 'amount', 'payment_method_id'], ctx);
	const wrong: string[] = [];
	for (const row of r.rows) {
		const odoo = row.odoo as { sessionId: number; orders: number; total: number; payments: Record<string, number> };
		const mine = orders.filter((o) => m2o(o.session_id) === odoo.sessionId);
		const total = money(mine.reduce((s, o) => s + o.amount_total, 0));
		const byMethod: Record<string, number> = {};
		for (const p of payments.filter((x) => m2o(x.session_id) === odoo.sessionId)) byMethod[p.payment_method_id[1]] = money((byMethod[p.payment_method_id[1]] ?? 0) + p.amount);
		if (mine.length !== odoo.orders || total !== odoo.total || JSON.stringify(Object.entries(byMethod).sort()) !== JSON.stringify(Object.entries(odoo.payments).sort()))
			wrong.push(`${String(row.store)} ${String(row.businessDate)}: report ${odoo.orders}/${odoo.total}/${JSON.stringify(odoo.payments)}, Odoo ${mine.length}/${total}/${JSON.stringify(byMethod)}`);
	}
	out.push({ what: "the report's Odoo figures equal Odoo's records: orders, totals and payments per method of every session", ok: wrong.length === 0 && r.rows.length > 0, detail: wrong.length ? wrong.slice(0, 2).join('; ') : `${r.rows.length} sessions compared` });
	// Procountor's side: a row per invoice date, agreeing, its counts Odoo's own.
	const invFrom = '2025-12-01';
	const withInvoices = await rows(engine, invoices, invFrom, to);
	const perDay = await invoicesPerDay(rpc, companyId, invFrom, to);
	const offDays = withInvoices.invoiceDays.filter((d) => {
		const p = d.procountor as { invoices: number; sent: number };
		const o = perDay.get(String(d.businessDate));
		return !d.agrees || !o || o.invoices !== p.invoices || o.sent !== p.sent;
	});
	out.push({
		what: "the report's Procountor rows: every invoice day agrees, its invoices and sent ones as Odoo's records count them",
		ok: !withInvoices.error && withInvoices.invoiceDays.length > 0 && withInvoices.invoiceDays.length === perDay.size && offDays.length === 0,
		detail:
			withInvoices.error ??
			`${withInvoices.invoiceDays.length} invoice days in the report, ${perDay.size} in Odoo; ${[...perDay.values()].reduce((a, d) => a + d.sent, 0)} of ${[...perDay.values()].reduce((a, d) => a + d.invoices, 0)} sent${offDays.length ? `; off: ${offDays.slice(0, 2).map((d) => `${String(d.businessDate)} ${JSON.stringify(d.procountor)} ${JSON.stringify(d.differences)} vs ${JSON.stringify(perDay.get(String(d.businessDate)))}`).join(' | ')}` : ''}`,
	});
	// A receipt PixelPoint has and Odoo not: reported on its row, to the cent.
	const extra: PosInvoice = { ...invoices.find((i) => i.Status === 'CLOSED')!, TransactNum: 9_999_001 };
	const r2 = await rows(engine, [...invoices, extra], from, to);
	const row = r2.rows.find((x) => x.storeId === extra.StoreId && x.businessDate === extra.BusinessDate);
	const diffs = (row?.differences as Array<{ what: string; amount?: number }> | undefined) ?? [];
	const total = diffs.find((d) => /^total /.test(d.what));
	out.push({
		what: 'a receipt PixelPoint has and Odoo does not is reported on its row with its amount',
		ok: !!row && !row.agrees && /^1 receipt of PixelPoint not in Odoo/.test(diffs[0]?.what ?? '') && total?.amount === totalWithTips(extra) && r2.rows.filter((x) => !x.agrees).length === 1,
		detail: row ? `${diffs.map((d) => `${d.what}${d.amount !== undefined ? ` (${d.amount})` : ''}`).join('; ')}; expected ${totalWithTips(extra)}` : 'no row',
	});
	// The template's message in Discuss: the table as HTML (not escaped text) and the chart attached as an SVG image.
	const [channel] = await rpc.searchRead<{ id: number }>('discuss.channel', [['name', '=', 'Daily Close']], ['id']);
	const messages = channel ? await rpc.searchRead<{ body: string; attachment_ids: number[] }>('mail.message', [['model', '=', 'discuss.channel'], ['res_id', '=', channel.id]], ['body', 'attachment_ids']) : [];
	const withChart = messages.find((m) => m.attachment_ids.length);
	const files = withChart ? await rpc.searchRead<{ name: string; mimetype: string }>('ir.attachment', [['id', 'in', withChart.attachment_ids]], ['name', 'mimetype']) : [];
	out.push({
		what: "the report template's message in Discuss holds the table as HTML and the chart as an SVG attachment",
		ok: messages.length === 1 && !!withChart && /<table|<p><b>Daily close<\/b>/.test(withChart.body) && !/&lt;p&gt;/.test(withChart.body) && files.some((f) => f.mimetype === 'image/svg+xml'),
		detail: `${messages.length} message(s) in "Daily Close"; body starts ${JSON.stringify((withChart?.body ?? messages[0]?.body ?? '').slice(0, 80))}; attachments ${files.map((f) => `${f.name} (${f.mimetype})`).join(', ') || 'none'}`,
	});
	return out;
}

/**
 * Differences made on purpose after the later scenarios, each expected on its own row with its
 * amount read from Odoo's records: a receipt that waits (the late sale for a closed day), a receipt
 * voided in PixelPoint after its import, a tender changed in PixelPoint from card to cash, a
 * session left open (store 3's sales of the harness's day, reported the day after) and an entry an
 * accountant reset to draft in Odoo. Every other row still agrees.
 */
export async function checkReportDifferences(
	rpc: Rpc,
	engine: Engine,
	companyId: number,
	invoices: PosInvoice[],
	late: { StoreId: number; TransactNum: number },
	today: string,
	atDayAfter: <T>(fn: () => Promise<T>) => Promise<T>,
	settings: TemplateSettings,
): Promise<Check[]> {
	const ctx = { context: { allowed_company_ids: [companyId] } };
	// An invoice Procountor refuses (text outside Windows-1252): a copy of one it took, posted and sent by the send template.
	const [sentXid] = await rpc.searchRead<{ res_id: number }>('ir.model.data', [['module', '=', 'procountor'], ['model', '=', 'account.move'], ['name', '=like', 'invoice_%']], ['res_id'], { order: 'id', limit: 1 });
	const copyId = await rpc.call<number | number[]>('account.move', 'copy', [[sentXid.res_id]], ctx);
	const refusedId = Array.isArray(copyId) ? copyId[0] : copyId;
	const [draft] = await rpc.call<Array<{ invoice_line_ids: number[] }>>('account.move', 'read', [[refusedId]], { fields: ['invoice_line_ids'], ...ctx });
	const refusedDay = [...new Set(invoices.map((i) => i.BusinessDate))].sort().filter((d) => d >= '2026-01-01' && d < today)[3];
	await rpc.call('account.move', 'write', [[refusedId], { invoice_date: refusedDay, invoice_line_ids: [[1, draft.invoice_line_ids[0], { name: 'Birthday menu 🎉' }]] }], ctx);
	await rpc.call('account.move', 'action_post', [[refusedId]], ctx);
	const [refused] = await rpc.call<Array<{ name: string; amount_total: number; move_type: string }>>('account.move', 'read', [[refusedId]], { fields: ['name', 'amount_total', 'move_type'], ...ctx });
	const send = await runTemplate(engine, 'odoo-invoices-to-procountor', {}, settings);
	const copy = JSON.parse(JSON.stringify(invoices)) as PosInvoice[];
	const days = [...new Set(copy.map((i) => i.BusinessDate))].sort();
	const regular = days.filter((d) => d >= '2026-01-01' && d < today);
	const lateInv = copy.find((i) => i.StoreId === late.StoreId && i.TransactNum === late.TransactNum)!;
	const orderOf = async (inv: PosInvoice) => (await rpc.searchRead<{ id: number; amount_total: number; session_id: [number, string] }>('pos.order', [['pos_reference', '=', `PixelPoint ${inv.StoreId}-${inv.TransactNum}`]], ['amount_total', 'session_id'], ctx))[0];
	// Voided in PixelPoint after its import: Odoo keeps an order the day's receipts no longer have.
	const voided = copy.find((i) => i.StoreId === 2 && i.BusinessDate === regular[1] && i.Status === 'CLOSED')!;
	voided.Status = 'VOID';
	const voidedOrder = await orderOf(voided);
	// A tender corrected in PixelPoint from card to cash after the import.
	const retendered = copy.find((i) => i.StoreId === 3 && i.BusinessDate === regular[2] && i.Status === 'CLOSED' && i.Payments.length === 1 && i.Payments[0].MethodNum !== 1 && !i.Payments[0].Tip)!;
	const cardNum = retendered.Payments[0].MethodNum;
	retendered.Payments[0].MethodNum = 1;
	const [retenderedPay] = await rpc.searchRead<{ amount: number; payment_method_id: [number, string] }>('pos.payment', [['pos_order_id', '=', (await orderOf(retendered)).id]], ['amount', 'payment_method_id'], ctx);
	// An accountant resets store 1's entry of the last regular day to draft in Odoo.
	const draftDay = regular[regular.length - 1];
	const [draftSession] = await rpc.searchRead<{ id: number; name: string; move_id: [number, string] }>('pos.session', [['id', '=', await rpc.ref(`pixelpoint.session_1_${draftDay.replace(/-/g, '')}`)]], ['name', 'move_id'], ctx);
	// A locked (hashed) entry cannot be reset by anyone: then the row must simply still agree.
	const refusedDraft = await rpc.call('account.move', 'button_draft', [[draftSession.move_id[0]]], ctx).then(
		() => undefined,
		(e: Error) => e.message,
	);
	const [draftMove] = await rpc.call<Array<{ name: string; state: string }>>('account.move', 'read', [[draftSession.move_id[0]]], { fields: ['name', 'state'], ...ctx });
	const [openSession] = await rpc.searchRead<{ name: string; state: string }>('pos.session', [['id', '=', await rpc.ref(`pixelpoint.session_3_${today.replace(/-/g, '')}`)]], ['name', 'state'], ctx);

	const r = await atDayAfter(() => rows(engine, copy, days[0], today));
	const rowOf = (store: number, day: string) => r.rows.find((x) => x.storeId === store && x.businessDate === day);
	const diffs = (store: number, day: string) => (rowOf(store, day)?.differences as Array<{ what: string; amount?: number }> | undefined) ?? [];
	const said = (store: number, day: string) => diffs(store, day).map((d) => `${d.what}${d.amount !== undefined ? ` (${d.amount})` : ''}`).join('; ') || 'agrees';
	const amountOf = (store: number, day: string, re: RegExp) => diffs(store, day).find((d) => re.test(d.what))?.amount;
	const expected = [
		{
			what: 'a receipt that waits (a late sale for a closed day) is reported with the reason and its amount',
			row: [late.StoreId, lateInv.BusinessDate] as const,
			ok: () => /^1 receipt of PixelPoint not in Odoo; 1 waiting: .*already closed/.test(diffs(late.StoreId, lateInv.BusinessDate)[0]?.what ?? '') && amountOf(late.StoreId, lateInv.BusinessDate, /^total /) === totalWithTips(lateInv),
			want: `total ${totalWithTips(lateInv)}`,
		},
		{
			what: "a receipt voided in PixelPoint after its import is reported as Odoo's extra order, with its amount in Odoo",
			row: [2, voided.BusinessDate] as const,
			ok: () => /^1 order in Odoo that PixelPoint/.test(diffs(2, voided.BusinessDate)[0]?.what ?? '') && amountOf(2, voided.BusinessDate, /^total /) === money(-voidedOrder.amount_total),
			want: `total ${money(-voidedOrder.amount_total)} (order ${voidedOrder.amount_total} in Odoo)`,
		},
		{
			what: "a tender changed in PixelPoint from card to cash is reported on both methods with Odoo's payment amount",
			row: [3, retendered.BusinessDate] as const,
			ok: () => {
				const d = diffs(3, retendered.BusinessDate).filter((x) => / in PixelPoint, /.test(x.what) && !/^total /.test(x.what));
				return d.length === 2 && d.some((x) => x.amount === retenderedPay.amount) && d.some((x) => x.amount === money(-retenderedPay.amount)) && amountOf(3, retendered.BusinessDate, /^total /) === undefined;
			},
			want: `±${retenderedPay.amount} (${retenderedPay.payment_method_id[1]} → cash, tender ${cardNum})`,
		},
		{
			what: 'a session left open after its day is reported',
			row: [3, today] as const,
			ok: () => openSession?.state !== 'closed' && diffs(3, today).some((x) => x.what === `session ${openSession.name} is still open`),
			want: `${openSession?.name} ${openSession?.state} in Odoo`,
		},
		{
			what: "an entry an accountant reset to draft in Odoo is reported as not posted",
			row: [1, draftDay] as const,
			ok: () => (refusedDraft ? draftMove.state === 'posted' && rowOf(1, draftDay)?.agrees === true : draftMove.state === 'draft' && diffs(1, draftDay).some((x) => x.what === `entry ${draftMove.name} is draft, not posted`)),
			want: `${draftMove.name} ${draftMove.state} in Odoo${refusedDraft ? ` (Odoo refused the reset: ${refusedDraft.slice(0, 120)})` : ''}`,
		},
	];
	const refusedRow = r.invoiceDays.find((d) => d.businessDate === refusedDay);
	const refusedDiffs = (refusedRow?.differences as Array<{ what: string; amount?: number }> | undefined) ?? [];
	const refusedAmount = money((refused.move_type === 'out_refund' ? -1 : 1) * refused.amount_total);
	const otherInvoiceDays = r.invoiceDays.filter((d) => !d.agrees && d.businessDate !== refusedDay);
	const out: Check[] = [
		{
			what: 'the daily close report: an invoice Procountor refused is reported on its day with its amount in Odoo; every other invoice day agrees',
			ok:
				!r.error &&
				send.summary[0]?.failed === 1 &&
				refusedDiffs.length === 1 &&
				refusedDiffs[0].what.startsWith(`1 invoice refused by Procountor (${refused.name}): Procountor:`) &&
				refusedDiffs[0].amount === refusedAmount &&
				otherInvoiceDays.length === 0,
			detail: r.error ?? `${refusedDay}: ${refusedDiffs.map((d) => `${d.what} (${String(d.amount)})`).join('; ') || 'agrees'}; expected ${refused.name} ${refusedAmount}; send run failed ${String(send.summary[0]?.failed)}${otherInvoiceDays.length ? `; also: ${otherInvoiceDays.slice(0, 2).map((d) => `${String(d.businessDate)} ${JSON.stringify(d.differences)}`).join(' | ')}` : ''}`,
		},
	];
	out.push(...expected.map((e) => ({ what: `the daily close report: ${e.what}`, ok: !r.error && e.ok(), detail: r.error ?? `${e.row[0]} ${e.row[1]}: ${said(e.row[0], e.row[1])}; expected ${e.want}` })));
	const others = r.rows.filter((x) => !x.agrees && !expected.some((e) => e.row[0] === x.storeId && e.row[1] === x.businessDate));
	out.push({
		what: 'the daily close report: every other store day still agrees, the five differing ones come first',
		ok: !r.error && others.length === 0 && r.rows.slice(0, refusedDraft ? 4 : 5).every((x) => !x.agrees),
		detail: r.error ?? `${r.rows.length} store days, ${r.rows.filter((x) => !x.agrees).length} differ${others.length ? `; also: ${others.slice(0, 3).map((x) => `${String(x.storeId)} ${String(x.businessDate)}: ${said(x.storeId as number, x.businessDate as string)}`).join(' | ')}` : ''}; ${String(r.summary.odooCalls)} Odoo calls`,
	});
	return out;
}
