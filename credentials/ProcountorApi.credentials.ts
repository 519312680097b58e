import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

const BASE =
	'={{$credentials.environment === "custom" ? $credentials.customUrl.replace(/\\/+$/, "") : $credentials.environment === "test" ? "https://pts-api.procountor.com/api" : "https://api.procountor.com/api"}}';

export function procountorBaseUrl(c: ICredentialDataDecryptedObject): string {
	if (c.environment === 'custom') return String(c.customUrl ?? '').replace(/\/+$/, '');
	return c.environment === 'test' ? 'https://pts-api.procountor.com/api' : 'https://api.procountor.com/api';
}

export class ProcountorApi implements ICredentialType {
	name = 'procountorApi';

	icon: Icon = { light: 'file:icons/procountor.svg', dark: 'file:icons/procountor.dark.svg' };

	displayName = 'Procountor API';

	documentationUrl = 'https://dev.procountor.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production' },
				{ name: 'Test (pts-api)', value: 'test' },
				{ name: 'Custom URL', value: 'custom' },
			],
			default: 'production',
		},
		{
			displayName: 'API URL',
			name: 'customUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.procountor.com/api',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', required: true },
		{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '', required: true },
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The company's API key, created in Procountor for the API user",
		},
		{
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 60 },
			default: 20,
			description:
				"Procountor's limit for this API client: 20 on the test environment, up to 60 on production as agreed with Procountor. Exceeding it may suspend the client, so requests are paced below it. In queue mode each worker paces itself: set the limit divided by the number of workers (e.g. 10 with two workers on a limit of 20).",
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
			description: 'How long Procountor may stay without answering before a step gives up, all tries together (at least one full timeout). The later steps of the same execution then do not call it again.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	/** Client credentials with the API key; n8n calls it again when Procountor answers 401. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: String(credentials.clientId ?? ''),
			client_secret: String(credentials.clientSecret ?? ''),
			api_key: String(credentials.apiKey ?? ''),
		});
		let res: { access_token?: string };
		try {
			const raw = (await this.helpers.httpRequest({
				method: 'POST',
				url: `${procountorBaseUrl(credentials)}/oauth/token`,
				body: form.toString(),
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			})) as string | { access_token?: string };
			res = typeof raw === 'string' ? (JSON.parse(raw) as { access_token?: string }) : raw;
		} catch (error) {
			// A new error, so the request (holding the client secret) is never carried along.
			const status = (error as { response?: { status?: number } }).response?.status ?? (error as { httpCode?: string }).httpCode;
			throw new Error(`Procountor refused the client credentials${status ? ` (HTTP ${status})` : ''}: check the client ID, client secret and API key`);
		}
		if (!res?.access_token) throw new Error('Procountor answered the token request without an access token');
		return { accessToken: res.access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: BASE, url: '/vats/default' },
	};
}
