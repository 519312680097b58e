/**
 * A restaurant group on real Odoo (issue #16): one database, the Finnish company with Helsinki and
 * Tampere, the German company with the Berlin store (German prices, German VAT: food 7 %, drinks
 * 19 %). Each company is configured as the README says an integrator does it: its own Odoo
 * credential (the Company field) and Codeplus credential (its own token sees its own stores), and
 * its own copy of the templates with its Namespace and taxes. Master data and 14 days of orders for
 * both, the nightly close, then the books of each company read from Odoo itself: orders equal to
 * FinalTotal and the tip, line taxes as Odoo computes them in that company's country, tips on the
 * orders and in the sessions' takings, nothing of one company visible in the other, and a second
 * run that writes nothing.
 */
import type { IWorkflowBase } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes } from '../../sandbox';
import { GROUP_TOKENS } from '../../sandbox/codeplus/server';
import { type Check, checkBooks, m2o, snapshot } from './books';
import { Rpc } from './rpc';
import { BERLIN, RESTAURANT } from './setup';
import { GERMAN_TAXES, templateCopy } from '../helpers';

const FLOWS = ['pixelpoint-master-data', 'pixelpoint-order-import', 'pos-session-auto-close'];
type Row = Record<string, unknown>;
/** The German company's copy of a template: its Namespace and its taxes, as an integrator edits them. */
const germanCopy = templateCopy(GERMAN_TAXES, 'pixelpoint_de');

export async function groupScenario(opts: { url: string; db: string; today: string; phase<T>(label: string, fn: () => Promise<T>): Promise<T> }): Promise<Check[]> {
	const out: Check[] = [];
	const rpc = new Rpc(opts.url, opts.db);
	const sb = await startSandboxes({}, { codeplus: { today: opts.today, days: 14, group: true } });
	try {
		const companyOf = async (name: string) => (await rpc.searchRead<{ id: number }>('res.company', [['name', '=', name]], ['id']))[0].id;
		const base = sb.credentials();
		const odoo = { url: opts.url, database: opts.db, username: 'admin', authentication: 'password', password: 'admin', timeoutSeconds: 120 };
		const companies = [
			{ label: 'FI', name: RESTAURANT, id: await companyOf(RESTAURANT), ns: 'pixelpoint', token: GROUP_TOKENS.fi, edit: undefined as ((wf: IWorkflowBase) => void) | undefined },
			{ label: 'DE', name: BERLIN, id: await companyOf(BERLIN), ns: 'pixelpoint_de', token: GROUP_TOKENS.de, edit: germanCopy },
		].map((c) => ({
			...c,
			engine: new Engine({ ...base, odooErpApi: { ...odoo, company: c.name }, codeplusApi: { ...base.codeplusApi, token: c.token.token } }),
			invoices: sb.codeplus.allInvoices().filter((i) => (c.token.stores as readonly number[]).includes(i.StoreId)),
		}));
		const runAll = async (label: string) => {
			for (const c of companies) {
				for (const t of FLOWS) {
					const r = await opts.phase(`group, ${c.label}: ${t} (${label} run)`, () => runTemplate(c.engine, t, {}, {}, c.edit));
					out.push({ what: `group, ${c.label}: ${t} (${label} run) succeeds`, ok: r.ok, detail: r.ok ? JSON.stringify(r.summary[0] ?? {}).slice(0, 300) : String(r.error).slice(0, 600) });
				}
			}
		};
		await runAll('first');

		for (const c of companies) {
			const books = await opts.phase(`group, ${c.label}: check the books`, () => checkBooks(rpc, c.id, c.invoices, opts.today, c.ns));
			out.push(...books.map((b) => ({ ...b, what: `group, ${c.label} (${c.name}): ${b.what}` })));
		}

		// Taxes per country: every taxed line of a company's orders carries its own company's taxes,
		// at its country's rates (Finland 14 and 25.5, Germany 7 and 19).
		const rates: Record<string, number[]> = { FI: [14, 25.5], DE: [7, 19] };
		for (const c of companies) {
			const ctx = { context: { allowed_company_ids: [c.id] } };
			const orders = await rpc.searchRead<{ id: number }>('pos.order', [['pos_reference', 'like', 'PixelPoint %']], ['id'], ctx);
			const lines = await rpc.searchRead<{ tax_ids: number[] }>('pos.order.line', [['order_id', 'in', orders.map((o) => o.id)]], ['tax_ids'], ctx);
			const taxIds = [...new Set(lines.flatMap((l) => l.tax_ids))];
			const taxes = await rpc.call<Array<{ id: number; amount: number; company_id: [number, string] }>>('account.tax', 'read', [taxIds, ['amount', 'company_id']], ctx);
			const foreign = taxes.filter((t) => m2o(t.company_id) !== c.id || !rates[c.label].includes(t.amount));
			const used = [...new Set(taxes.map((t) => t.amount))].sort((a, b) => a - b);
			out.push({
				what: `group, ${c.label}: the orders' taxes are ${c.name}'s own, at ${c.label === 'DE' ? 'German' : 'Finnish'} rates`,
				ok: foreign.length === 0 && used.length === 2,
				detail: `${lines.length} lines, ${taxIds.length} taxes, rates ${used.join(' and ')} %${foreign.length ? `; foreign: ${JSON.stringify(foreign[0])}` : ''}`,
			});
		}

		// German books: Odoo's German localisation puts each rate's revenue on its own account
		// (SKR03: 7 % on 8300, 19 % on 8400), read from the Berlin sessions' entries.
		{
			const de = companies[1];
			const ctx = { context: { allowed_company_ids: [de.id] } };
			const xids = await rpc.searchRead<{ res_id: number }>('ir.model.data', [['module', '=', de.ns], ['model', '=', 'pos.session']], ['res_id']);
			const sessions = await rpc.call<Array<{ move_id: [number, string] | false }>>('pos.session', 'read', [xids.map((x) => x.res_id), ['move_id']], ctx);
			const moveIds = sessions.map((x) => m2o(x.move_id)).filter((x): x is number => !!x);
			const lines = await rpc.searchRead<{ account_id: [number, string]; tax_ids: number[]; credit: number; debit: number }>('account.move.line', [['move_id', 'in', moveIds], ['tax_ids', '!=', false]], ['account_id', 'tax_ids', 'credit', 'debit'], ctx);
			const rateOf = new Map((await rpc.call<Array<{ id: number; amount: number }>>('account.tax', 'read', [[...new Set(lines.flatMap((l) => l.tax_ids))], ['amount']], ctx)).map((t) => [t.id, t.amount]));
			const want: Record<number, string> = { 7: '8300', 19: '8400' };
			// (the code read from the account: 19 no longer puts it in the account's name)
			const codeOf = new Map((await rpc.call<Array<{ id: number; code: string }>>('account.account', 'read', [[...new Set(lines.map((l) => l.account_id[0]))], ['code']], ctx)).map((a) => [a.id, a.code]));
			const wrong = lines.filter((l) => codeOf.get(l.account_id[0]) !== want[rateOf.get(l.tax_ids[0]) ?? 0]);
			const byAccount = new Map<string, number>();
			for (const l of lines) byAccount.set(codeOf.get(l.account_id[0])!, Math.round(((byAccount.get(codeOf.get(l.account_id[0])!) ?? 0) + l.credit - l.debit) * 100) / 100);
			out.push({
				what: "group, DE: the Berlin sessions' revenue is on the German chart's account of its rate (7 % on 8300, 19 % on 8400)",
				ok: wrong.length === 0 && byAccount.size === 2,
				detail: `${lines.length} revenue lines in ${moveIds.length} entries: ${[...byAccount].map(([a, v]) => `${a} ${v.toFixed(2)}`).join(', ')}${wrong[0] ? `; first wrong: ${codeOf.get(wrong[0].account_id[0])} ${wrong[0].account_id[1]} with tax ${rateOf.get(wrong[0].tax_ids[0])} %` : ''}`,
			});
		}

		// Nothing of one company visible in the other: what the other's templates made (by its
		// external ids) is not found in this company, and the POS orders of its stores neither.
		const models = ['product.product', 'product.pricelist', 'pos.config', 'pos.payment.method', 'account.journal', 'pos.session'];
		for (const [me, other] of [companies, [...companies].reverse()]) {
			const ctx = { context: { allowed_company_ids: [me.id], active_test: false } };
			const xids = await rpc.searchRead<{ model: string; res_id: number }>('ir.model.data', [['module', '=', other.ns], ['model', 'in', models]], ['model', 'res_id']);
			const seen: string[] = [];
			for (const model of models) {
				const ids = xids.filter((x) => x.model === model).map((x) => x.res_id);
				const found = ids.length ? await rpc.searchRead<Row>(model, [['id', 'in', ids]], ['id'], ctx) : [];
				if (found.length) seen.push(`${model}: ${found.length} of ${ids.length}`);
			}
			const theirRefs = other.invoices.map((i) => `PixelPoint ${i.StoreId}-${i.TransactNum}`);
			const theirOrders = await rpc.searchRead<Row>('pos.order', [['pos_reference', 'in', theirRefs]], ['id'], ctx);
			if (theirOrders.length) seen.push(`pos.order: ${theirOrders.length}`);
			out.push({
				what: `group: nothing ${other.label} made is visible in ${me.label} (${models.join(', ')}, pos.order)`,
				ok: seen.length === 0 && xids.length > 300,
				detail: seen.length ? seen.join('; ') : `${xids.length} records of ${other.label} looked for, none found in ${me.label}`,
			});
		}

		// The audit records name their company and the stores they covered.
		const audits = await rpc.searchRead<{ body: string }>('mail.message', [['model', 'in', ['discuss.channel', 'mail.channel']], ['body', 'ilike', 'order import']], ['body']);
		const named = companies.map((c) => audits.filter((a) => a.body.includes(c.name)).length);
		out.push({
			what: 'group: the audit records of each company name it and the stores the run covered',
			ok: named.every((n) => n > 0) && audits.some((a) => a.body.includes(BERLIN) && a.body.includes('stores 3')),
			detail: `${audits.length} order-import records; ${companies.map((c, k) => `${c.label}: ${named[k]}`).join(', ')}; e.g. ${String(audits.find((a) => a.body.includes(BERLIN))?.body ?? '').replace(/<[^>]+>/g, '').slice(0, 160)}`,
		});

		// A second run of every template of both companies writes nothing.
		const before = await Promise.all(companies.map((c) => snapshot(rpc, c.id)));
		await runAll('second');
		const after = await Promise.all(companies.map((c) => snapshot(rpc, c.id)));
		const changed = companies.flatMap((c, k) => Object.keys(before[k]).filter((m) => JSON.stringify(before[k][m]) !== JSON.stringify(after[k][m])).map((m) => `${c.label} ${m}: ${JSON.stringify(before[k][m])} → ${JSON.stringify(after[k][m])}`));
		out.push({ what: 'group: the second run of both companies writes nothing (counts, write dates, chatter)', ok: changed.length === 0, detail: changed.length ? changed.join('; ') : 'unchanged' });
	} finally {
		await sb.stop();
	}
	return out;
}
