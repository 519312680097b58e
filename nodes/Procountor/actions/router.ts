import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { failAll } from '../../shared/items';
import type { Operation } from '../helpers/operation';
import { ProcountorClient } from '../transport';
import * as businessPartner from './businessPartner/BusinessPartner.resource';
import * as invoice from './invoice/Invoice.resource';
import * as paymentEvent from './paymentEvent/PaymentEvent.resource';
import * as product from './product/Product.resource';
import * as vat from './vat/Vat.resource';

const resources: Record<string, Record<string, Operation>> = {
	invoice: invoice.operations,
	businessPartner: businessPartner.operations,
	product: product.operations,
	paymentEvent: paymentEvent.operations,
	vat: vat.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = resources[resource]?.[operation];
	if (!op) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	try {
		return [await op.call(this, await ProcountorClient.fromContext(this))];
	} catch (error) {
		return [failAll(this, error)];
	}
}
