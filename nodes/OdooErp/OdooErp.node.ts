import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import * as audit from './actions/audit/Audit.resource';
import * as invoice from './actions/invoice/Invoice.resource';
import * as payment from './actions/payment/Payment.resource';
import * as posCounter from './actions/posCounter/PosCounter.resource';
import * as posMasterData from './actions/posMasterData/PosMasterData.resource';
import * as posOrder from './actions/posOrder/PosOrder.resource';
import * as posSession from './actions/posSession/PosSession.resource';
import * as record from './actions/record/Record.resource';
import * as syncState from './actions/syncState/SyncState.resource';
import { router } from './actions/router';
import { listSearch, loadOptions } from './methods';

export class OdooErp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Odoo ERP',
		name: 'odooErp',
		icon: { light: 'file:odoo.svg', dark: 'file:odoo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Odoo 17-19: records, batched upserts by external ID, POS and invoices',
		defaults: { name: 'Odoo ERP' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'odooErpApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Audit Log', value: 'audit', description: 'Records of integration runs, in a Discuss channel' },
					{ name: 'Invoice', value: 'invoice', description: 'Customer invoices: export, unpaid, post' },
					{ name: 'Payment', value: 'payment', description: 'Payments registered on customer invoices' },
					{ name: 'POS Counter', value: 'posCounter', description: 'Requests of authenticated tills: open invoices, payments, session summary' },
					{ name: 'POS Master Data', value: 'posMasterData', description: 'PixelPoint stores, tenders, categories, products, sale types' },
					{ name: 'POS Order', value: 'posOrder', description: 'Import PixelPoint invoices as POS orders' },
					{ name: 'POS Session', value: 'posSession', description: 'Close sessions of past business dates, and report the daily close' },
					{ name: 'Record', value: 'record', description: 'Any model: partners, products, invoices' },
					{ name: 'Sync State', value: 'syncState', description: 'Cursors and waiting items of a flow, kept in Odoo: list, skip, retry' },
				],
				default: 'record',
			},
			...record.description,
			...posCounter.description,
			...posMasterData.description,
			...posOrder.description,
			...posSession.description,
			...audit.description,
			...invoice.description,
			...payment.description,
			...syncState.description,
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
