import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/operation';
import * as approve from './approve.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as send from './send.operation';
import * as sendSalesInvoice from './sendSalesInvoice.operation';

/** Each operation's execute, by its value in the Operation options. */
export const operations: Record<string, Operation> = { approve: approve.execute, create: create.execute, get: get.execute, getMany: getMany.execute, send: send.execute, sendSalesInvoice: sendSalesInvoice.execute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['invoice'] } },
		options: [
			{ name: 'Approve', value: 'approve', description: 'Approve an unfinished invoice', action: 'Approve an invoice' },
			{ name: 'Create', value: 'create', description: 'Create an unfinished invoice from a Procountor invoice body', action: 'Create an invoice' },
			{ name: 'Get', value: 'get', description: 'One invoice by its Procountor ID, with its rows and status', action: 'Get an invoice' },
			{ name: 'Get Many', value: 'getMany', description: 'Invoices by status and date range', action: 'Get many invoices' },
			{ name: 'Send', value: 'send', description: 'Send an approved invoice (once)', action: 'Send an invoice' },
			{
				name: 'Send Sales Invoice',
				value: 'sendSalesInvoice',
				description: 'Create, approve and send an accounting invoice exported by the Odoo node',
				action: 'Send a sales invoice',
			},
		],
		default: 'sendSalesInvoice',
	},
	...get.description,
	...create.description,
	...sendSalesInvoice.description,
	...getMany.description,
	...approve.description,
	...send.description,
];
