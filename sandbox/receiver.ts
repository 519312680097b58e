/** A small receiving endpoint for exports: stores what is POSTed to /canonical/invoices by a caller with its token. */
import { randomBytes } from 'node:crypto';
import { SandboxHttpServer, type JsonReply, type SandboxRequest } from './common/http';

export class ReceiverSandbox {
	readonly http: SandboxHttpServer;
	received: unknown[] = [];
	requests = 0;
	/** What a platform gives its senders: a bearer token, new for every start. */
	readonly token = `rcv-${randomBytes(18).toString('base64url')}`;
	refused = 0;

	constructor() {
		this.http = new SandboxHttpServer('receiver', (req) => this.route(req));
	}

	async start(port = 0): Promise<string> {
		return this.http.listen(port);
	}

	async stop(): Promise<void> {
		await this.http.close();
	}

	get url(): string {
		return `${this.http.url}/canonical/invoices`;
	}

	private route(req: SandboxRequest): JsonReply {
		if (req.path !== '/canonical/invoices') return { status: 404, body: { error: 'not found' } };
		if (req.headers.authorization !== `Bearer ${this.token}`) {
			this.refused++;
			return { status: 401, body: { error: 'a bearer token is required' } };
		}
		if (req.method === 'GET') return { status: 200, body: { count: this.received.length, invoices: this.received } };
		if (req.method !== 'POST') return { status: 405, body: { error: 'POST or GET' } };
		this.requests++;
		const body = req.body as { invoices?: unknown[] } | unknown[] | undefined;
		const list = Array.isArray(body) ? body : Array.isArray(body?.invoices) ? body.invoices : body ? [body] : [];
		this.received.push(...list);
		return { status: 200, body: { accepted: list.length } };
	}
}
