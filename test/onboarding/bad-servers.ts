/**
 * Servers that misbehave the way real ones do in front of a newcomer's first run, on loopback:
 * nothing listening, a proxy that never answers, one that drips a byte a second, an HTML error
 * page or login page where JSON was expected, a redirect to another host, a reset mid-answer.
 */
import * as http from 'node:http';
import type * as net from 'node:net';

export type Behaviour = 'silent' | 'drip' | 'html502' | 'htmlLogin' | 'redirect' | 'reset' | 'notFound';

export interface BadServers {
	/** Base URL of a server behaving so. */
	url(b: Behaviour): string;
	/** A port on which nothing listens. */
	refused: string;
	/** Requests each behaviour received, by path. */
	seen: Map<Behaviour, string[]>;
	stop(): Promise<void>;
}

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"><input name="password" type="password"></form></body></html>';
const PROXY_502 = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

function handler(b: Behaviour, sockets: Set<net.Socket>, timers: Set<NodeJS.Timeout>) {
	return (req: http.IncomingMessage, res: http.ServerResponse) => {
		req.resume();
		switch (b) {
			case 'silent':
				return; // accepted, read, never answered
			case 'drip': {
				res.writeHead(200, { 'content-type': 'application/json' });
				const body = '{"jsonrpc": "2.0", "id": 1, "result": {"server_version_info": [17, 0]}}';
				let k = 0;
				const t = setInterval(() => {
					if (k >= body.length || res.destroyed) return clearInterval(t);
					res.write(body[k++]);
				}, 1000);
				timers.add(t);
				return;
			}
			case 'html502':
				res.writeHead(502, { 'content-type': 'text/html' });
				return res.end(PROXY_502);
			case 'htmlLogin':
				res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
				return res.end(LOGIN_PAGE);
			case 'redirect':
				res.writeHead(302, { location: `http://login.example.invalid/sso?next=${encodeURIComponent(req.url ?? '/')}` });
				return res.end();
			case 'reset':
				res.writeHead(200, { 'content-type': 'application/json' });
				res.write('{"jsonrpc": "2.0", "id": 1, "res');
				return setTimeout(() => res.socket?.destroy(), 50);
			case 'notFound':
				res.writeHead(404, { 'content-type': 'text/html' });
				return res.end('<html><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>');
		}
	};
}

export async function startBadServers(): Promise<BadServers> {
	const behaviours: Behaviour[] = ['silent', 'drip', 'html502', 'htmlLogin', 'redirect', 'reset', 'notFound'];
	const sockets = new Set<net.Socket>();
	const timers = new Set<NodeJS.Timeout>();
	const seen = new Map<Behaviour, string[]>();
	const servers = new Map<Behaviour, { server: http.Server; url: string }>();
	for (const b of behaviours) {
		seen.set(b, []);
		const h = handler(b, sockets, timers);
		const server = http.createServer((req, res) => {
			seen.get(b)!.push(req.url ?? '');
			h(req, res);
		});
		server.on('connection', (s) => {
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		servers.set(b, { server, url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` });
	}
	// A port taken and given back: nothing listens there.
	const probe = http.createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
	const refused = `http://127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	return {
		url: (b) => servers.get(b)!.url,
		refused,
		seen,
		async stop() {
			for (const t of timers) clearInterval(t);
			for (const s of sockets) s.destroy();
			await Promise.all([...servers.values()].map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
		},
	};
}
