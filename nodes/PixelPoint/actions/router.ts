import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { failAll } from '../../shared/items';
import { CodeplusClient } from '../transport';
import { category, paymentMethod, product, saleType, store, type Operation } from './catalog.resources';
import * as invoice from './invoice/Invoice.resource';

const resources: Record<string, Record<string, Operation>> = {
	store: store.operations,
	saleType: saleType.operations,
	paymentMethod: paymentMethod.operations,
	category: category.operations,
	product: product.operations,
	invoice: invoice.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = resources[resource]?.[operation];
	if (!op) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	try {
		return [await op.call(this, await CodeplusClient.fromContext(this))];
	} catch (error) {
		return [failAll(this, error)];
	}
}
