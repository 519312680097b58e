import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { failAll } from '../../shared/items';
import { ProcountorClient } from '../transport';
import { type Operation, invoiceOperations, partnerOperations, paymentEventOperations, productOperations, unsupported, vatOperations } from './resources';

const resources: Record<string, Record<string, Operation>> = {
	invoice: invoiceOperations,
	businessPartner: partnerOperations,
	product: productOperations,
	paymentEvent: paymentEventOperations,
	vat: vatOperations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = resources[resource]?.[operation] ?? unsupported(this, resource, operation);
	try {
		return [await op.call(this, await ProcountorClient.fromContext(this))];
	} catch (error) {
		return [failAll(this, error)];
	}
}
