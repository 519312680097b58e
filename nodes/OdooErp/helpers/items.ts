/** Per-item error handling shared by every operation: continue-on-fail or a clear error naming the item. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { InputError } from './utils';

/** Turns anything thrown while handling item `i` into an n8n error that names the item (and the field). */
export function asItemError(ctx: IExecuteFunctions, error: unknown, i: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context) error.context.itemIndex = i;
		return error;
	}
	if (error instanceof InputError) {
		return new NodeOperationError(ctx.getNode(), `Item ${i}: ${error.message}`, {
			itemIndex: i,
			description: error.field ? `Check the "${error.field}" value of item ${i}.` : undefined,
		});
	}
	return new NodeOperationError(ctx.getNode(), `Item ${i}: ${(error as Error).message ?? String(error)}`, { itemIndex: i });
}

/** With continue-on-fail, an error item paired to the input; otherwise the error is thrown. */
export function failItem(ctx: IExecuteFunctions, error: unknown, i: number): INodeExecutionData {
	const e = asItemError(ctx, error, i);
	if (!ctx.continueOnFail()) throw e;
	const json: IDataObject = { error: e.message };
	if (e.description) json.description = e.description;
	return { json, pairedItem: { item: i } };
}

export function ok(json: IDataObject, i: number): INodeExecutionData {
	return { json, pairedItem: { item: i } };
}
