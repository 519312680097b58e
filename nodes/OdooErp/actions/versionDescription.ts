/* eslint-disable n8n-nodes-base/node-filename-against-convention */
// The description lives here, as in n8n's versioned nodes; the node class in OdooErp.node.ts uses it.
import type { INodeTypeDescription } from 'n8n-workflow';
import * as audit from './audit/Audit.resource';
import * as invoice from './invoice/Invoice.resource';
import * as payment from './payment/Payment.resource';
import * as posMasterData from './posMasterData/PosMasterData.resource';
import * as posOrder from './posOrder/PosOrder.resource';
import * as posSession from './posSession/PosSession.resource';
import * as record from './record/Record.resource';
import * as syncState from './syncState/SyncState.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Odoo ERP',
	name: 'odooErp',
	icon: 'file:odoo.svg',
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Odoo 16-19: records, batched upserts by external ID, POS and invoices',
	defaults: { name: 'Odoo ERP' },
	usableAsTool: true,
	inputs: ['main'],
	outputs: ['main'],
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
				{ name: 'POS Master Data', value: 'posMasterData', description: 'PixelPoint stores, tenders, categories, products, sale types' },
				{ name: 'POS Order', value: 'posOrder', description: 'Import PixelPoint invoices as POS orders' },
				{ name: 'POS Session', value: 'posSession', description: 'Close sessions of past business dates' },
				{ name: 'Record', value: 'record', description: 'Any model: partners, products, invoices' },
				{ name: 'Sync State', value: 'syncState', description: 'Cursors and waiting items of a flow, kept in Odoo: list, skip, retry' },
			],
			default: 'record',
		},
		...record.description,
		...posMasterData.description,
		...posOrder.description,
		...posSession.description,
		...audit.description,
		...invoice.description,
		...payment.description,
		...syncState.description,
	],
};
