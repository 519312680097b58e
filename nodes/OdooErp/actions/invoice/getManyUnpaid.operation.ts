import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { openInvoicesAnswer, openInvoicesOf } from '../../helpers/openInvoices';
import { InputError } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

export const description = updateDisplayOptions({ show: { resource: ['invoice'], operation: ['getManyUnpaid'] } }, [
	{ displayName: 'Customer ID', name: 'customerId', type: 'string', default: '', required: true, description: 'The Odoo partner; invoices of its contacts count too' },
] as INodeProperties[]);

/** A customer's posted invoices with an open balance, with the customer's open count and total due. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const raw = String(this.getNodeParameter('customerId', i, '') ?? '').trim();
			if (!raw) throw new InputError('A customer is required', 'customerId');
			const customerId = Number(raw);
			if (!Number.isInteger(customerId) || customerId <= 0) throw new InputError(`Customer ID "${raw}" is not an ID`, 'customerId');
			const [customer] = await client.call<IDataObject[]>('res.partner', 'read', { ids: [customerId], kwargs: { fields: ['name'] } });
			if (!customer) throw new InputError(`No customer with ID ${customerId}`, 'customerId');
			out.push(ok(openInvoicesAnswer({ id: customerId, name: String(customer.name) }, await openInvoicesOf(client, customerId)), i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
