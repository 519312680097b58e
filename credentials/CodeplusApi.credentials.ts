import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

export class CodeplusApi implements ICredentialType {
	name = 'codeplusApi';

	icon: Icon = { light: 'file:icons/pixelpoint.svg', dark: 'file:icons/pixelpoint.dark.svg' };

	displayName = 'Codeplus (PixelPoint) API';

	documentationUrl = 'https://github.com/n8n-nodes-pos-odoo-procountor#pixelpoint-codeplus';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://codeplus.example.com/api/v1',
			required: true,
			description: "Your company's Codeplus API address, including /api/v1",
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API token Codeplus issued for your company',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
		},
		{
			displayName: 'Time Budget (Seconds)',
			name: 'budgetSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 120,
			description: 'How long Codeplus may stay without answering before a step gives up, all tries together (at least one full timeout). The later steps of the same execution then do not call it again.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.token}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			// A user name or password inside the URL would be sent and shown: the test fails on a host that says so.
			baseURL: '={{ /^[a-z][a-z0-9+.-]*:\\/\\/[^\\/?#]*@/i.test($credentials.baseUrl) ? "http://remove-the-user-name-and-password-from-the-url.invalid" : $credentials.baseUrl.trim().replace(/\\/+$/, "") }}',
			url: '/health',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'Codeplus refused the token: check it is the token of this company' },
			},
			{
				type: 'responseCode',
				properties: { value: 404, message: 'No Codeplus API at this address: the Base URL should end with /api/v1' },
			},
		],
	};
}
