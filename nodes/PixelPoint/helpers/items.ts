import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { InputError } from './params';

export function failItem(ctx: IExecuteFunctions, error: unknown, i: number): INodeExecutionData {
	let e: NodeApiError | NodeOperationError;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		e = error;
		e.context.itemIndex = i;
	} else if (error instanceof InputError) {
		e = new NodeOperationError(ctx.getNode(), `Item ${i}: ${error.message}`, { itemIndex: i, description: error.field ? `Check the "${error.field}" value of item ${i}.` : undefined });
	} else {
		e = new NodeOperationError(ctx.getNode(), `Item ${i}: ${(error as Error).message}`, { itemIndex: i });
	}
	if (!ctx.continueOnFail()) throw e;
	const json: IDataObject = { error: e.message };
	if (e.description) json.description = e.description;
	return { json, pairedItem: { item: i } };
}

export const ok = (json: IDataObject, i: number): INodeExecutionData => ({ json, pairedItem: { item: i } });
