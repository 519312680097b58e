import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { writeCursorParameter } from '../../helpers/cursorParameter';
import { failItem, ok } from '../../helpers/items';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Cursor Key',
		name: 'cursorKey',
		type: 'string',
		default: 'canonicalInvoiceCursor',
		required: true,
		description: 'Same key as in Get Many (Canonical). Stored in Odoo as the system parameter n8n.&lt;key&gt;.',
	},
	{
		displayName: 'Cursor',
		name: 'cursor',
		type: 'json',
		default: '={{ JSON.stringify($json.nextCursor ?? null) }}',
		description: 'The nextCursor Get Many (Canonical) returned, once its invoices are delivered. Empty or null: nothing is saved (a failed delivery is read again next time).',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['saveCanonicalCursor'] } }, properties);

/** Saves each item's cursor (the last one wins) and passes the items on unchanged. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const key = String(this.getNodeParameter('cursorKey', i)).trim();
			if (!key) throw new InputError('Cursor Key is empty', 'cursorKey');
			const raw = this.getNodeParameter('cursor', i, '') as unknown;
			const cursor = typeof raw === 'string' ? (raw.trim() ? (JSON.parse(raw) as unknown) : null) : raw;
			if (cursor !== null && cursor !== undefined) {
				const c = cursor as { writeDate?: unknown; ids?: unknown };
				if (typeof c !== 'object' || typeof c.writeDate !== 'string' || !Array.isArray(c.ids)) throw new InputError('Cursor is not a cursor of Get Many (Canonical): it needs writeDate and ids', 'cursor');
				await writeCursorParameter(client, key, JSON.stringify(cursor));
			}
			out.push(ok({ ...items[i].json }, i));
		} catch (error) {
			out.push(failItem(this, error instanceof SyntaxError ? new InputError(`Cursor is not valid JSON: ${error.message}`, 'cursor') : error, i));
		}
	}
	return out;
}
