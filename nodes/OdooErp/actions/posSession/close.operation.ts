import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { failItem, ok } from '../../helpers/items';
import { type CloseResult, closeSession, dateOfSessionXid, readSessions, sessionXids } from '../../helpers/posSessions';
import { checkFlow, readState } from '../../helpers/syncState';
import { posReference } from '../../helpers/pixelpointInvoice';
import { InputError, chunk } from '../../helpers/utils';
import type { OdooClient } from '../../transport';
import { namespaceOf, namespaceProperty } from '../../helpers/posMasterData';

const properties: INodeProperties[] = [
	namespaceProperty,
	{
		displayName: 'Sessions',
		name: 'which',
		type: 'options',
		options: [
			{ name: 'All of Past Business Dates', value: 'past', description: 'Every open imported session of a business date before today' },
			{ name: 'Given by the Input Items', value: 'given', description: 'One session per item: by session ID, or by store and business date' },
		],
		default: 'past',
	},
	{
		displayName: 'Time Zone',
		name: 'timezone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Europe/Helsinki',
		description: "Where \"today\" is decided; empty uses the workflow's time zone",
		displayOptions: { show: { which: ['past'] } },
	},
	{
		displayName: 'Keep Open While Invoices Wait In',
		name: 'waitingFlow',
		type: 'string',
		default: 'pixelpoint-order-import',
		placeholder: 'e.g. pixelpoint-order-import',
		description:
			"Flow whose waiting list (Sync State) is read first: a day with invoices that may still be imported there stays open, since a closed session takes no more orders. Empty: close every past day.",
		displayOptions: { show: { which: ['past'] } },
	},
	{
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		default: '={{ $json.sessionId ?? "" }}',
		description: 'Odoo pos.session ID; leave empty to use Store and Business Date',
		displayOptions: { show: { which: ['given'] } },
	},
	{
		displayName: 'Store',
		name: 'storeId',
		type: 'string',
		default: '={{ $json.StoreId ?? "" }}',
		description: 'PixelPoint StoreId',
		displayOptions: { show: { which: ['given'] } },
	},
	{
		displayName: 'Business Date',
		name: 'businessDate',
		type: 'string',
		default: '={{ $json.BusinessDate ?? "" }}',
		placeholder: 'e.g. 2026-11-20',
		displayOptions: { show: { which: ['given'] } },
	},
];

export const description = updateDisplayOptions({ show: { resource: ['posSession'], operation: ['close'] } }, properties);

/**
 * Closes imported sessions (counted cash first when cash control is on), then backdates each
 * session's journal entry and combined bank payments to its business date. A session Odoo
 * refuses to close is reported with Odoo's message and left open; closed ones are skipped.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const x = namespaceOf(this);
	const module = x.store(0).split('.')[0];
	const which = this.getNodeParameter('which', 0) as string;
	const xids = await sessionXids(client, module);
	const dateOf = new Map([...xids.entries()].map(([name, id]) => [id, dateOfSessionXid(name)]));
	const out: INodeExecutionData[] = [];

	if (which === 'past') {
		const zone = String(this.getNodeParameter('timezone', 0, '') || this.getTimezone());
		const now = DateTime.now().setZone(zone);
		if (!now.isValid) throw new InputError(`Time Zone "${zone}" is not an IANA time zone such as Europe/Helsinki`, 'timezone');
		const today = now.toISODate()!;
		// Closed sessions of the last month are passed too: one a run closed without finishing its backdating is finished.
		const monthAgo = now.minus({ days: 31 }).toISODate()!;
		const sessions = (await readSessions(client, [...xids.values()]))
			.filter((s) => (dateOf.get(s.id) ?? '9999') < today && (s.state !== 'closed' || (dateOf.get(s.id) ?? '') >= monthAgo))
			.sort((a, b) => String(dateOf.get(a.id)).localeCompare(String(dateOf.get(b.id))) || a.id - b.id);
		// Days with invoices that may still be imported (not those a person skipped, nor those wrong in themselves).
		const waitingFlow = String(this.getNodeParameter('waitingFlow', 0, '') ?? '').trim();
		// session id → how many of its day's invoices wait
		const waiting = new Map<number, number>();
		if (waitingFlow) {
			const days: Array<{ store: number; day: string; order?: string }> = [];
			for (const w of (await readState(client, checkFlow(waitingFlow))).waiting) {
				const store = Number(w.details?.StoreId);
				const day = String(w.details?.BusinessDate ?? '');
				const num = Number(w.details?.TransactNum);
				if (w.retryable && Number.isInteger(store) && /^\d{4}-\d{2}-\d{2}$/.test(day)) days.push({ store, day, order: Number.isInteger(num) ? posReference(store, num) : undefined });
			}
			// An invoice another run imported meanwhile (this one held it back while that run had it
			// locked) stays listed until the next import: its order is in Odoo, so it holds nothing back.
			const refs = [...new Set(days.map((d) => d.order).filter((o): o is string => !!o))];
			const imported = new Set<string>();
			for (const part of chunk(refs, 1000)) {
				const found = await client.call<Array<{ pos_reference: string }>>('pos.order', 'search_read', { args: [[['pos_reference', 'in', part]]], kwargs: { fields: ['pos_reference'] } });
				for (const f of found) imported.add(f.pos_reference);
			}
			for (const d of days) {
				if (d.order && imported.has(d.order)) continue;
				const id = xids.get(x.session(d.store, d.day).slice(module.length + 1));
				if (id) waiting.set(id, (waiting.get(id) ?? 0) + 1);
			}
		}
		for (const s of sessions) {
			const held = s.state !== 'closed' ? waiting.get(s.id) : undefined;
			if (held) {
				out.push(
					ok(
						{
							sessionId: s.id,
							sessionName: s.name,
							businessDate: dateOf.get(s.id),
							status: 'skipped',
							message: `left open: ${held} invoice(s) of this day wait to be imported (flow ${waitingFlow}); it closes once they are imported or a person skips them`,
						} as CloseResult,
						0,
					),
				);
				continue;
			}
			const r = await closeSession(client, s, dateOf.get(s.id));
			// A closed session revisited is reported only when something was done or left for a person.
			if (r.status !== 'skipped' || s.state !== 'closed' || r.redatedEntries || r.notRedated?.length) out.push(ok(r, 0));
		}
		return out;
	}

	const items = this.getInputData();
	for (let i = 0; i < items.length; i++) {
		try {
			const rawId = String(this.getNodeParameter('sessionId', i, '') ?? '').trim();
			let id: number | undefined;
			if (rawId) {
				id = Number(rawId);
				if (!Number.isInteger(id) || id <= 0) throw new InputError(`Session ID "${rawId}" is not a number`, 'sessionId');
			} else {
				const store = Number(this.getNodeParameter('storeId', i, ''));
				const date = String(this.getNodeParameter('businessDate', i, '')).trim();
				if (!Number.isInteger(store) || store <= 0) throw new InputError('Store is missing: give a Session ID, or a Store and a Business Date', 'storeId');
				if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new InputError(`Business Date "${date}" is not a date (YYYY-MM-DD)`, 'businessDate');
				id = xids.get(x.session(store, date).slice(module.length + 1));
				if (!id) {
					out.push(ok({ StoreId: store, BusinessDate: date, status: 'skipped', message: 'no imported session for this store and date' } as IDataObject, i));
					continue;
				}
			}
			const [s] = await readSessions(client, [id]);
			if (!s) throw new InputError(`No POS session with ID ${id}`, 'sessionId');
			const res: CloseResult = await closeSession(client, s, dateOf.get(id));
			out.push(ok(res, i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
