/**
 * A proxy in front of the real Odoo that goes down on cue, as a server does when it crashes or is
 * restarted in the middle of a run: once the given number of order-creating calls has been
 * answered, it stops listening and drops its connections (new ones are refused), until `up()`.
 * It counts what passes by endpoint: JSON-2 or JSON-RPC (with the service and method).
 */
import type http from 'node:http';
import { ForwardingProxy } from './proxy';

const ORDER_CALL = /"(create_from_ui|sync_from_ui)"/;

export class OutageProxy extends ForwardingProxy {
	private downAfter = Infinity;
	/** Order-creating calls answered since the last `failAfter`. */
	orderCalls = 0;
	/** Requests by endpoint: "json2" or "jsonrpc <service>.<method>" (for `object`, the model's method). */
	readonly seen = new Map<string, number>();

	/** Goes down right after answering the n-th order-creating call from now. */
	failAfter(n: number): void {
		this.orderCalls = 0;
		this.downAfter = n;
	}

	override async down(): Promise<void> {
		this.downAfter = Infinity;
		await super.down();
	}

	protected override onRequest(url: string, body: Buffer): void {
		let key = url.startsWith('/json/2/') ? 'json2' : url;
		if (url === '/jsonrpc') {
			try {
				const p = (JSON.parse(body.toString('utf8')) as { params: { service: string; method: string; args: unknown[] } }).params;
				key = p.service === 'object' ? `jsonrpc ${String(p.args[3])}.${String(p.args[4])}` : `jsonrpc ${p.service}.${p.method}`;
			} catch {
				key = 'jsonrpc ?';
			}
		}
		this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
	}

	protected override onAnswer(_req: http.IncomingMessage, body: Buffer, _status: number, _text: string, res: http.ServerResponse): void {
		if (ORDER_CALL.test(body.toString('utf8')) && ++this.orderCalls >= this.downAfter) res.on('finish', () => void this.down());
	}
}
