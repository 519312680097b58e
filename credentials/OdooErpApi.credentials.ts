import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

export class OdooErpApi implements ICredentialType {
	name = 'odooErpApi';

	icon: Icon = { light: 'file:icons/odoo.svg', dark: 'file:icons/odoo.dark.svg' };

	displayName = 'Odoo ERP API';

	documentationUrl = 'https://www.odoo.com/documentation/17.0/developer/reference/external_api.html';

	properties: INodeProperties[] = [
		{
			displayName: 'Site URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://mycompany.odoo.com',
			required: true,
			description: 'Base URL of the Odoo server, without /web or /jsonrpc',
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: '',
			required: true,
			description: 'Name of the Odoo database (shown in the database selector or in Settings → About)',
		},
		{
			displayName: 'Login',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: "The user's login, usually an email address",
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'Recommended. On Odoo 19 the node then uses the JSON-2 API.',
				},
				{
					name: 'Password',
					value: 'password',
				},
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authentication: ['apiKey'] } },
			description: 'Created in Odoo under Preferences → Account Security → New API Key',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authentication: ['password'] } },
		},
		{
			displayName: 'Company',
			name: 'company',
			type: 'string',
			default: '',
			placeholder: 'e.g. Ravintola Oy, or 3',
			description:
				"Name or ID of the company every node works in (records are created in it and read from it only). Empty: the login's current company. The login must be allowed in it.",
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description: 'A request without an answer after this long is abandoned and retried if that is safe',
		},
		{
			displayName: 'Time Budget (Seconds)',
			name: 'budgetSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 120,
			description: 'How long Odoo may stay without answering before a step gives up, all tries together (at least one full timeout). The later steps of the same execution then do not call it again.',
		},
	];

	// Logs in through common.login: a wrong login answers `false` with HTTP 200, an unknown database an error.
	test: ICredentialTestRequest = {
		request: {
			// A user name or password inside the URL would be sent and shown: the test fails on a host that says so.
			baseURL: '={{ /^[a-z][a-z0-9+.-]*:\\/\\/[^\\/?#]*@/i.test($credentials.url) ? "http://remove-the-user-name-and-password-from-the-url.invalid" : $credentials.url.trim().replace(/\\/+$/, "") }}',
			url: '/jsonrpc',
			method: 'POST',
			body: {
				jsonrpc: '2.0',
				method: 'call',
				id: 1,
				params: {
					service: 'common',
					method: 'login',
					args: [
						'={{$credentials.database}}',
						'={{$credentials.username}}',
						'={{$credentials.authentication === "apiKey" ? $credentials.apiKey : $credentials.password}}',
					],
				},
			},
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'result',
					value: false,
					message:
						'Odoo refused the login: check the login and the password or API key. An API key that worked before has expired (at most three months on current Odoo) or was revoked: create a new one in Odoo (avatar → My Profile or Preferences → Account Security → New API Key) and paste it here.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.message',
					value: 'Odoo Server Error',
					message: 'Odoo answered with an error: check the database name',
				},
			},
		],
	};
}
