import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { InputError } from '../../helpers/utils';
import { sessionInvoicePayments } from '../../helpers/sessionPayments';
import type { OdooClient } from '../../transport';

export const description = updateDisplayOptions({ show: { resource: ['payment'], operation: ['sessionSummary'] } }, [
	{ displayName: 'POS Session ID', name: 'sessionId', type: 'string', default: '', required: true },
] as INodeProperties[]);

/** Invoice payments taken in a POS session, split into cash and bank, each with its invoice and journal. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const raw = String(this.getNodeParameter('sessionId', i, '') ?? '').trim();
			const sessionId = Number(raw);
			if (!Number.isInteger(sessionId) || sessionId <= 0) throw new InputError(`POS Session ID "${raw}" is not an ID`, 'sessionId');
			const [session] = await client.call<IDataObject[]>('pos.session', 'read', { ids: [sessionId], kwargs: { fields: ['name', 'state'] } });
			if (!session) throw new InputError(`No POS session with ID ${sessionId}`, 'sessionId');
			out.push(ok(await sessionInvoicePayments(client, sessionId, session as { name: string; state: string }), i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
