/**
 * The only place that talks to Codeplus: bearer auth through the credential, paging, retries
 * (every call is a GET, so all transient failures are retried), and one error type for the
 * whole API: NodeApiError carrying Codeplus's error code and message.
 */
import type { IDataObject } from 'n8n-workflow';
import { type AnyContext, type ServerSilence, apiError, exchange, secondsField, silenceFor } from '../../shared/http';
import { redactSecrets, refuseUserinfo } from '../../shared/redact';

export const PAGE_SIZE = 500;

interface CodeplusCredentials {
	baseUrl: string;
	token: string;
	timeoutSeconds?: number;
	budgetSeconds?: number;
}

interface CodeplusErrorBody {
	error?: { code?: string; message?: string };
}

interface Page {
	data: IDataObject[];
	page: number;
	pageSize: number;
	total: number;
}

export class CodeplusClient {
	readonly stats = { requests: 0, retries: 0 };

	private constructor(
		private readonly ctx: AnyContext,
		private readonly baseUrl: string,
		private readonly timeoutMs: number,
		private readonly budgetMs: number,
		private readonly token: string,
	) {
		this.silence = silenceFor(ctx, 'Codeplus', baseUrl);
	}

	/** Codeplus's silence as seen by this execution's steps. */
	private readonly silence: ServerSilence;

	static async fromContext(ctx: AnyContext): Promise<CodeplusClient> {
		const c = (await ctx.getCredentials('codeplusApi')) as unknown as CodeplusCredentials;
		const baseUrl = String(c.baseUrl ?? '').trim().replace(/\/+$/, '');
		refuseUserinfo(ctx, baseUrl, 'Base URL of the Codeplus credential', 'Codeplus takes its token in the Token field of the credential.');
		return new CodeplusClient(ctx, baseUrl, secondsField(c.timeoutSeconds, 60), secondsField(c.budgetSeconds, 120), String(c.token ?? ''));
	}

	/** Until Codeplus first answers, a refused connection fails at once. */
	private readonly contact = { reached: false };

	private redact(text: string): string {
		return redactSecrets(text, [this.token]);
	}

	async get<T = IDataObject>(path: string, qs: IDataObject = {}, itemIndex?: number): Promise<T> {
		const res = await exchange(
			this.ctx,
			{ method: 'GET', url: `${this.baseUrl}${path}`, qs },
			{
				service: 'Codeplus',
				baseUrl: this.baseUrl,
				idempotent: true,
				what: `GET ${path}`,
				timeoutMs: this.timeoutMs,
				budgetMs: this.budgetMs,
				silence: this.silence,
				itemIndex,
				credentialType: 'codeplusApi',
				redact: (t) => this.redact(t),
				// 4xx bodies are Codeplus's verdict; 5xx are transient and retried.
				isServiceError: (status, body) => status < 500 && !!(body as CodeplusErrorBody)?.error,
				stats: this.stats,
				contact: this.contact,
			},
		);
		if (res.statusCode >= 400) {
			const err = (res.body as CodeplusErrorBody).error ?? {};
			const code = String(err.code ?? 'ERROR');
			const hint =
				code === 'INVALID_TOKEN'
					? 'Check the token in the Codeplus credential.'
					: code === 'NOT_FOUND'
						? `Nothing at ${path}: check the store, product or invoice number.`
						: code === 'BAD_REQUEST'
							? 'A parameter was refused; the message says which.'
							: '';
			throw apiError(this.ctx, { redact: (t) => this.redact(t), itemIndex }, `Codeplus ${code}: ${err.message ?? 'error'}`, `${hint} (GET ${path})`.trim(), res.statusCode, {
				codeplusError: code,
				message: this.redact(String(err.message ?? '')),
			});
		}
		return res.body as T;
	}

	/** Every page of a list, or up to `limit` rows. */
	async getAll(path: string, qs: IDataObject = {}, limit = Infinity, itemIndex?: number): Promise<IDataObject[]> {
		const out: IDataObject[] = [];
		for (let page = 1; ; page++) {
			const res = await this.get<Page>(path, { ...qs, page, pageSize: PAGE_SIZE }, itemIndex);
			out.push(...(res.data ?? []));
			if (out.length >= limit) return out.slice(0, limit);
			if (!res.data?.length || page * PAGE_SIZE >= res.total) return out;
		}
	}
}
