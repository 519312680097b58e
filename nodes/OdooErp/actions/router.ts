import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { failAll } from '../../shared/items';
import { OdooClient } from '../transport';
import * as audit from './audit/Audit.resource';
import * as invoice from './invoice/Invoice.resource';
import * as payment from './payment/Payment.resource';
import * as posCounter from './posCounter/PosCounter.resource';
import * as posMasterData from './posMasterData/PosMasterData.resource';
import * as posOrder from './posOrder/PosOrder.resource';
import * as posSession from './posSession/PosSession.resource';
import * as record from './record/Record.resource';
import * as syncState from './syncState/SyncState.resource';

type Operation = (this: IExecuteFunctions, client: OdooClient) => Promise<INodeExecutionData[]>;

const resources: Record<string, Record<string, { execute: Operation }>> = {
	record: record as unknown as Record<string, { execute: Operation }>,
	posCounter: posCounter as unknown as Record<string, { execute: Operation }>,
	posMasterData: posMasterData as unknown as Record<string, { execute: Operation }>,
	posOrder: posOrder as unknown as Record<string, { execute: Operation }>,
	posSession: posSession as unknown as Record<string, { execute: Operation }>,
	audit: audit as unknown as Record<string, { execute: Operation }>,
	invoice: invoice as unknown as Record<string, { execute: Operation }>,
	payment: payment as unknown as Record<string, { execute: Operation }>,
	syncState: syncState as unknown as Record<string, { execute: Operation }>,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = resources[resource]?.[operation];
	if (!op) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	try {
		const out = await op.execute.call(this, await OdooClient.fromContext(this));
		return [out.filter((x) => x !== undefined)];
	} catch (error) {
		return [failAll(this, error)];
	}
}
