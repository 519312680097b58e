import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { checkFlow, readState, waitingSummary } from '../../helpers/syncState';
import type { OdooClient } from '../../transport';

export const description: INodeProperties[] = [];

/** One item per input item: the flow's cursors, waiting items (oldest first) and items skipped by hand. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const flow = checkFlow(String(this.getNodeParameter('flow', i)));
			const state = await readState(client, flow);
			// The waiting rows are summarised, not listed: a long list would be one huge item.
			const shown: Partial<typeof state> = { ...state };
			delete shown.rows;
			out.push(ok({ ...shown, ...waitingSummary(state) }, i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
