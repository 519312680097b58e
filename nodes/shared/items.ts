import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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
