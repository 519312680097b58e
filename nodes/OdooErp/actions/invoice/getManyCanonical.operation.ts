import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { cursorParameter, readCursorParameter } from '../../helpers/cursorParameter';
import { ok } from '../../helpers/items';
import { InputError, fingerprint as contentFingerprint } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		options: [
			{ name: 'Preview', value: 'preview', description: 'A page of invoices, by limit and offset; no cursor involved' },
			{ name: 'Sync', value: 'sync', description: 'Invoices changed since the cursor kept in the workflow, oldest first' },
		],
		default: 'preview',
	},
	{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: 50, description: 'Max number of results to return' },
	{ displayName: 'Offset', name: 'offset', type: 'number', typeOptions: { minValue: 0 }, default: 0, displayOptions: { show: { mode: ['preview'] } } },
	{
		displayName: 'Cursor Storage',
		name: 'cursorStorage',
		type: 'options',
		options: [
			{
				name: 'Odoo System Parameter',
				value: 'odoo',
				description: 'Kept in Odoo as n8n.&lt;key&gt;: the same for manual runs, schedules and every queue worker. Save it with the Save Export Cursor operation.',
			},
			{
				name: 'Workflow Static Data',
				value: 'workflow',
				description: "Kept in the workflow; n8n saves it for scheduled runs only, not manual ones. Save it with $getWorkflowStaticData('global').",
			},
		],
		default: 'odoo',
		displayOptions: { show: { mode: ['sync'] } },
	},
	{
		displayName: 'Cursor Key',
		name: 'cursorKey',
		type: 'string',
		default: 'canonicalInvoiceCursor',
		description:
			'Name of the cursor. The node reads it and returns the next one (nextCursor); save that once the invoices are delivered, so nothing is lost if delivery fails.',
		displayOptions: { show: { mode: ['sync'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{ displayName: 'Expected Currency', name: 'currency', type: 'string', default: '', placeholder: 'e.g. EUR', description: 'Invoices in another currency are flagged' },
			{
				displayName: 'Add Summary Item',
				name: 'summary',
				type: 'boolean',
				default: false,
				description: 'Whether to end with one item of counters (exported, skipped drafts, warnings) and the next cursor',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['getManyCanonical'] } }, properties);

export interface CanonicalCursor {
	writeDate: string;
	/** Invoices already exported at writeDate (Odoo's timestamps have one-second resolution). */
	ids: number[];
	/**
	 * Fingerprint of each of those invoices as exported: a second change within the same second
	 * keeps write_date as it was, so only the content tells that it must be sent again.
	 */
	digests?: Record<string, string>;
}

type M2o = [number, string] | false;

/** Fingerprint of the fields read, write_date aside. */
const fingerprint = (r: Row): string => contentFingerprint(r, ['write_date']);

interface Row {
	id: number;
	name: string | false;
	ref: string | false;
	move_type: string;
	state: string;
	invoice_date: string | false;
	currency_id: M2o;
	amount_total: number;
	payment_state: string;
	write_date: string;
}

/** One Odoo invoice in the canonical shape, or why it is skipped. */
export function canonical(r: Row, expectedCurrency: string, today: string): { item?: IDataObject; skipped?: string } {
	const name = r.name && r.name !== '/' ? r.name : '';
	if (r.state === 'draft' && !name) return { skipped: 'draft' };
	const invoiceNumber = name || (r.ref ? String(r.ref) : '');
	if (!invoiceNumber) return { skipped: 'no number' };
	const warnings: string[] = [];
	let issueDate = r.invoice_date ? String(r.invoice_date) : '';
	if (!issueDate) {
		issueDate = today;
		warnings.push(`invoice_date is missing: issueDate set to today (${today})`);
	}
	const currencyCode = r.currency_id ? r.currency_id[1] : '';
	const item: IDataObject = {
		invoiceNumber,
		issueDate,
		currencyCode,
		totalAmount: r.amount_total,
		status: r.payment_state === 'paid' || r.payment_state === 'in_payment' ? 'INTEGRATED' : 'PENDING',
		metadata: { provider: 'Odoo', id: r.id, moveType: r.move_type, state: r.state, paymentState: r.payment_state, updatedAt: r.write_date },
	};
	if (expectedCurrency && currencyCode !== expectedCurrency) {
		item.currencyMismatch = true;
		warnings.push(`currency ${currencyCode} is not the expected ${expectedCurrency}`);
	}
	if (warnings.length) item.warnings = warnings;
	return { item };
}

/** Customer invoices and credit notes in the canonical export shape. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const mode = this.getNodeParameter('mode', 0) as string;
	const limit = Number(this.getNodeParameter('limit', 0, 50));
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const expected = String(options.currency ?? '').trim().toUpperCase();
	const today = new Date().toISOString().slice(0, 10);
	const fields = ['name', 'ref', 'move_type', 'state', 'invoice_date', 'currency_id', 'amount_total', 'payment_state', 'write_date'];
	const base: unknown[] = [['move_type', 'in', ['out_invoice', 'out_refund']]];
	let rows: Row[];
	let cursor: CanonicalCursor | undefined;
	const key = String(this.getNodeParameter('cursorKey', 0, 'canonicalInvoiceCursor'));
	if (mode === 'sync') {
		if (!key) throw new InputError('Cursor Key is empty', 'cursorKey');
		if (this.getNodeParameter('cursorStorage', 0, 'odoo') === 'odoo') {
			const stored = await readCursorParameter(client, key);
			let readable = true;
			try {
				cursor = stored ? (JSON.parse(stored) as CanonicalCursor) : undefined;
			} catch {
				readable = false;
			}
			if (!readable) throw new InputError(`The Odoo system parameter ${cursorParameter(key)} does not hold a cursor (${String(stored).slice(0, 40)}); delete it to export everything again`, 'cursorKey');
		} else cursor = this.getWorkflowStaticData('global')[key] as CanonicalCursor | undefined;
		cursor ??= { writeDate: '1970-01-01 00:00:00', ids: [] };
		const seen = new Set(cursor.ids);
		const digests = cursor.digests ?? {};
		// Already exported in the cursor's second, and unchanged since (cursors saved before digests: by id only).
		const done = (r: Row) => r.write_date === cursor!.writeDate && seen.has(r.id) && (digests[r.id] === undefined || digests[r.id] === fingerprint(r));
		rows = [];
		// Read past the already exported invoices of the cursor's second, then up to the limit.
		for (let offset = 0; rows.length < limit; offset += limit) {
			const page = await client.call<Row[]>('account.move', 'search_read', {
				args: [[...base, ['write_date', '>=', cursor.writeDate]]],
				kwargs: { fields, order: 'write_date asc, id asc', offset, limit: limit + seen.size },
			});
			rows.push(...page.filter((r) => !done(r)));
			if (page.length < limit + seen.size) break;
		}
		rows = rows.slice(0, limit);
	} else {
		rows = await client.call<Row[]>('account.move', 'search_read', {
			args: [base],
			kwargs: { fields, order: 'id asc', offset: Number(this.getNodeParameter('offset', 0, 0)), limit },
		});
	}
	const out: INodeExecutionData[] = [];
	let skippedDrafts = 0;
	let skippedOther = 0;
	let warnings = 0;
	for (const r of rows) {
		const { item, skipped } = canonical(r, expected, today);
		if (skipped === 'draft') skippedDrafts++;
		else if (skipped) skippedOther++;
		if (!item) continue;
		if (item.warnings) warnings++;
		out.push(ok(item, 0));
	}
	let nextCursor: CanonicalCursor | undefined;
	if (cursor) {
		const last = rows[rows.length - 1];
		if (last) {
			const sameSecond = last.write_date === cursor.writeDate;
			const latest = rows.filter((r) => r.write_date === last.write_date);
			const digests: Record<string, string> = sameSecond ? { ...(cursor.digests ?? {}) } : {};
			for (const r of latest) digests[r.id] = fingerprint(r);
			nextCursor = { writeDate: last.write_date, ids: [...new Set([...(sameSecond ? cursor.ids : []), ...latest.map((r) => r.id)])], digests };
		} else nextCursor = cursor;
		for (const o of out) o.json.nextCursor = nextCursor as unknown as IDataObject;
	}
	if (options.summary) {
		out.push(ok({ summary: true, exported: out.length, skippedDrafts, skippedWithoutNumber: skippedOther, warnings, read: rows.length, ...(nextCursor ? { cursorKey: key, nextCursor: nextCursor as unknown as IDataObject } : {}) }, 0));
	}
	return out;
}
