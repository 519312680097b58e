import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { type ReportInvoice, closeReport, procountorRows } from '../../helpers/closeReport';
import { failItem, ok } from '../../helpers/items';
import { namespaceOf, namespaceProperty } from '../../helpers/posMasterData';
import { checkFlow } from '../../helpers/syncState';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

const properties: INodeProperties[] = [
	namespaceProperty,
	{
		displayName: 'From Business Date',
		name: 'from',
		type: 'string',
		default: "={{ $today.minus({ days: 1 }).toFormat('yyyy-MM-dd') }}",
		placeholder: 'e.g. 2026-11-01',
		required: true,
	},
	{
		displayName: 'To Business Date',
		name: 'to',
		type: 'string',
		default: "={{ $today.minus({ days: 1 }).toFormat('yyyy-MM-dd') }}",
		placeholder: 'e.g. 2026-11-30',
		description: 'The last business date of the report (included)',
		required: true,
	},
	{
		displayName: 'Receipts Still Waiting In',
		name: 'waitingFlow',
		type: 'string',
		default: 'pixelpoint-order-import',
		description: "Flow whose waiting list (Sync State) explains receipts missing in Odoo; empty: not read",
	},
	{
		displayName: 'Invoices Sent to Procountor By',
		name: 'procountorFlow',
		type: 'string',
		default: 'procountor-invoice-send',
		description: "Flow that sends the company's customer invoices to Procountor (its waiting list and start date are read); empty: no Procountor rows. A company whose flow never ran gets none either.",
	},
	{
		displayName: 'Procountor Namespace',
		name: 'procountorNamespace',
		type: 'string',
		default: 'procountor',
		description: 'Module of the external IDs the send flow records for each sent invoice (Record Export)',
		displayOptions: { hide: { procountorFlow: [''] } },
	},
	{
		displayName: 'Procountor Start Date',
		name: 'procountorFrom',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2026-01-01',
		description: "The send flow's start date where you set one (its Settings → startDate): unsent invoices from then on are differences. Empty: from the flow's first run, or the first invoice it sent.",
		displayOptions: { hide: { procountorFlow: [''] } },
	},
	{
		displayName: 'Time Zone',
		name: 'timezone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Europe/Helsinki',
		description: "Where \"today\" is decided (sessions of earlier days should be closed); empty uses the workflow's time zone",
	},
];

export const description = updateDisplayOptions({ show: { resource: ['posSession'], operation: ['closeReport'] } }, properties);

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One item per store and business day, PixelPoint (the input items that are PixelPoint invoices)
 * beside Odoo's records, each saying whether they agree or listing the differences; then a summary.
 */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	try {
		const x = namespaceOf(this);
		const from = String(this.getNodeParameter('from', 0)).trim();
		const to = String(this.getNodeParameter('to', 0)).trim();
		if (!DATE.test(from) || !DateTime.fromISO(from).isValid) throw new InputError(`From Business Date "${from}" is not a date (YYYY-MM-DD)`, 'from');
		if (!DATE.test(to) || !DateTime.fromISO(to).isValid) throw new InputError(`To Business Date "${to}" is not a date (YYYY-MM-DD)`, 'to');
		if (to < from) throw new InputError(`To Business Date ${to} is before From Business Date ${from}`, 'to');
		const flow = String(this.getNodeParameter('waitingFlow', 0, '')).trim();
		if (flow) checkFlow(flow, 'waitingFlow');
		const zone = String(this.getNodeParameter('timezone', 0, '')).trim() || this.getTimezone();
		const now = DateTime.now().setZone(zone);
		if (!now.isValid) throw new InputError(`Time Zone "${zone}" is not a time zone (e.g. Europe/Helsinki)`, 'timezone');
		// The input items that are PixelPoint invoices (others, e.g. a trigger's empty item, are not).
		const invoices = this.getInputData()
			.map((i) => i.json)
			.filter((j): j is IDataObject & ReportInvoice => typeof j.StoreId === 'number' && typeof j.BusinessDate === 'string' && typeof j.Status === 'string' && typeof j.FinalTotal === 'number');
		const today = now.toISODate()!;
		const { rows, calls } = await closeReport(client, x, invoices, { from, to, today, waitingFlow: flow });
		const sendFlow = String(this.getNodeParameter('procountorFlow', 0, '')).trim();
		const counted = { n: calls };
		let invoiceDays: Awaited<ReturnType<typeof procountorRows>> = [];
		if (sendFlow) {
			checkFlow(sendFlow, 'procountorFlow');
			const ns = String(this.getNodeParameter('procountorNamespace', 0, 'procountor')).trim();
			if (!/^[a-z][a-z0-9_]*$/.test(ns)) throw new InputError(`Procountor Namespace "${ns}" must be lowercase letters, digits and underscores`, 'procountorNamespace');
			const sentFrom = String(this.getNodeParameter('procountorFrom', 0, '')).trim();
			if (sentFrom && (!DATE.test(sentFrom) || !DateTime.fromISO(sentFrom).isValid)) throw new InputError(`Procountor Start Date "${sentFrom}" is not a date (YYYY-MM-DD)`, 'procountorFrom');
			invoiceDays = await procountorRows(client, { from, to, today, flow: sendFlow, namespace: ns, sentFrom: sentFrom || undefined }, counted);
			invoiceDays.sort((a, b) => Number(a.agrees) - Number(b.agrees) || (a.businessDate < b.businessDate ? -1 : 1));
		}
		const differ = rows.filter((r) => !r.agrees);
		const invoicesDiffer = invoiceDays.filter((r) => !r.agrees);
		const summary: IDataObject = {
			summary: true,
			from,
			to,
			company: (await client.company()).name,
			rows: rows.length,
			agree: rows.length - differ.length,
			differ: differ.length,
			pixelpointInvoices: invoices.length,
			...(sendFlow ? { invoiceDays: invoiceDays.length, invoiceDaysDiffer: invoicesDiffer.length } : {}),
			odooCalls: counted.n,
			differences: [
				...differ.flatMap((r) => r.differences.map((d) => `${r.store} ${r.businessDate}: ${d.what}`)),
				...invoicesDiffer.flatMap((r) => r.differences.map((d) => `Procountor ${r.businessDate}: ${d.what}`)),
			].slice(0, 50),
		};
		return [...rows.map((r) => ok(r, 0)), ...invoiceDays.map((r) => ok(r, 0)), ok(summary, 0)];
	} catch (error) {
		return [failItem(this, error, 0)];
	}
}
