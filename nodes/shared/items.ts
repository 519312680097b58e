/** Per-item results shared by every node: pairing, clear errors naming the item, continue-on-fail. */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** Bad input: a clear sentence, and the field to look at. */
export class InputError extends Error {
	constructor(
		message: string,
		readonly field?: string,
	) {
		super(message);
	}
}

/**
 * Bad input that no setting can fix: the record itself is wrong, or it came too late for where it
 * belongs. Flows keep it waiting for a person instead of re-reading everything after it.
 */
export class DataError extends InputError {}

/**
 * A caught error passed on: n8n's own errors (what the transports throw) and bad input (turned into
 * an error naming the item by `asItemError`) as they are; anything else, a runtime error, becomes
 * a NodeOperationError of the node, so the editor always shows n8n's error view.
 */
export function passOn(node: INode, error: unknown): NodeApiError | NodeOperationError | InputError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError || error instanceof InputError) return error;
	return new NodeOperationError(node, error instanceof Error ? error : String(error));
}

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

/**
 * A failure of a whole operation (not of one item). With continue-on-fail every input item
 * gets the error, so what follows can count and report it; otherwise the error is thrown.
 * (n8n itself would pass the input items through unchanged, hiding the failure.)
 */
export function failAll(ctx: IExecuteFunctions, error: unknown): INodeExecutionData[] {
	if (!ctx.continueOnFail()) throw error;
	const e = error instanceof NodeApiError || error instanceof NodeOperationError ? error : new NodeOperationError(ctx.getNode(), (error as Error).message ?? String(error));
	return ctx.getInputData().map((_, i) => ({ json: { error: e.message, ...(e.description ? { description: e.description } : {}) }, pairedItem: { item: i } }));
}
