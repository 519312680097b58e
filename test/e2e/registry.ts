/**
 * The npm registry as n8n's community-package installer sees it, on this machine: a real npm
 * registry (verdaccio, from the npm registry, pinned in .ci/versions.json) holding this package,
 * reached as https://registry.npmjs.org through an HTTPS proxy on loopback.
 *
 * Why a proxy and not n8n's registry setting: on n8n 2.x, N8N_COMMUNITY_PACKAGES_REGISTRY is a
 * licensed feature (an unlicensed instance refuses to install from any registry but
 * registry.npmjs.org), and n8n passes `--registry=https://registry.npmjs.org` to every npm command,
 * so npm's own registry config is overridden too. What an unlicensed instance does honour is the
 * proxy its operators set (HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS, as behind a company
 * proxy). The proxy answers CONNECT to registry.npmjs.org:443 with a certificate of a CA made for
 * this run and passes the requests to verdaccio; every other host is refused, so nothing leaves
 * the machine. n8n and npm run unmodified.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';

const REGISTRY_HOST = 'registry.npmjs.org';

export class LocalRegistry {
	/** Paths the proxy passed on to verdaccio (e.g. /n8n-nodes-…/-/n8n-nodes-…-0.1.1.tgz). */
	readonly served: string[] = [];
	/** CONNECTs to other hosts, refused (n8n's calls home, its vetted-package list). */
	readonly refused = new Set<string>();
	private verdaccio?: ChildProcess;
	private proxy?: http.Server;
	private verdaccioPort = 0;
	private token = '';

	constructor(
		private readonly dir: string,
		private readonly bin: string,
		private readonly node: string,
	) {}

	async start(): Promise<void> {
		fs.mkdirSync(this.dir, { recursive: true });
		this.certificates();
		this.verdaccioPort = await freePort();
		fs.writeFileSync(
			path.join(this.dir, 'config.yaml'),
			[
				`storage: ${path.join(this.dir, 'storage')}`,
				'auth:',
				'  htpasswd:',
				`    file: ${path.join(this.dir, 'htpasswd')}`,
				'    max_users: 1',
				'uplinks: {}', // nothing but what is published here
				'packages:',
				"  '**':",
				'    access: $all',
				'    publish: $authenticated',
				'    unpublish: $authenticated',
				'log: { type: stdout, format: pretty, level: warn }',
			].join('\n'),
		);
		const log = fs.openSync(path.join(this.dir, 'verdaccio.log'), 'w');
		this.verdaccio = spawn(this.node, [this.bin, '--config', path.join(this.dir, 'config.yaml'), '--listen', `127.0.0.1:${this.verdaccioPort}`], { stdio: ['ignore', log, log], detached: true });
		const until = Date.now() + 60_000;
		while (!(await fetch(`${this.url}/-/ping`).then((r) => r.ok).catch(() => false))) {
			if (Date.now() > until) throw new Error(`verdaccio did not start (${path.join(this.dir, 'verdaccio.log')})`);
			await new Promise((r) => setTimeout(r, 300));
		}
		const user = await fetch(`${this.url}/-/user/org.couchdb.user:e2e`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'e2e', password: 'local-registry-only' }),
		});
		this.token = ((await user.json()) as { token: string }).token;
		await this.startProxy();
	}

	/** verdaccio's own address (for `npm publish`). */
	get url(): string {
		return `http://127.0.0.1:${this.verdaccioPort}`;
	}

	/** What n8n's processes need to reach the registry through the proxy (and nothing else). */
	env(): NodeJS.ProcessEnv {
		const proxy = `http://127.0.0.1:${(this.proxy!.address() as AddressInfo).port}`;
		return { HTTPS_PROXY: proxy, HTTP_PROXY: proxy, NO_PROXY: '127.0.0.1,localhost,::1', NODE_EXTRA_CA_CERTS: path.join(this.dir, 'ca.pem') };
	}

	/** Publishes a packed tarball as it is (no lifecycle scripts run for a tarball). */
	publish(tgz: string): void {
		const host = this.url.replace(/^http:/, '');
		execFileSync('npm', ['publish', tgz, `--registry=${this.url}/`, `--${host}/:_authToken=${this.token}`, '--no-provenance', '--loglevel=error'], { stdio: ['ignore', 'ignore', 'pipe'] });
	}

	/** The tarball again with another version in its package.json: a release of the same code. */
	repack(tgz: string, version: string): string {
		const tmp = fs.mkdtempSync(path.join(this.dir, 'repack-'));
		execFileSync('tar', ['-xzf', tgz, '-C', tmp]);
		const pkgFile = path.join(tmp, 'package', 'package.json');
		const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string };
		pkg.version = version;
		fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
		const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', this.dir], { cwd: path.join(tmp, 'package'), encoding: 'utf8' });
		return path.join(this.dir, out.trim().split('\n').at(-1)!);
	}

	async stop(): Promise<void> {
		await new Promise<void>((r) => (this.proxy ? this.proxy.close(() => r()) : r()));
		this.proxy?.closeAllConnections();
		try {
			if (this.verdaccio?.pid) process.kill(-this.verdaccio.pid, 'SIGTERM');
		} catch {
			/* already gone */
		}
	}

	/** A CA for this run and registry.npmjs.org's certificate signed by it (openssl, from Debian). */
	private certificates(): void {
		const f = (n: string) => path.join(this.dir, n);
		const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
		ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=n8n e2e local registry CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
		ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', `/CN=${REGISTRY_HOST}`);
		fs.writeFileSync(f('leaf.ext'), `subjectAltName=DNS:${REGISTRY_HOST}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
		ssl('x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'), '-days', '2', '-extfile', f('leaf.ext'));
	}

	private async startProxy(): Promise<void> {
		const key = fs.readFileSync(path.join(this.dir, 'leaf.key'));
		const cert = fs.readFileSync(path.join(this.dir, 'leaf.pem'));
		// The registry's side: requests that came through the tunnel, passed to verdaccio as they are.
		const inner = http.createServer((req, res) => {
			this.served.push(`${req.method} ${req.url}`);
			const fwd = http.request(
				{ host: '127.0.0.1', port: this.verdaccioPort, method: req.method, path: req.url, headers: { ...req.headers, host: REGISTRY_HOST, 'x-forwarded-proto': 'https' } },
				(up) => {
					res.writeHead(up.statusCode ?? 502, up.headers);
					up.pipe(res);
				},
			);
			fwd.on('error', () => res.writeHead(502).end());
			req.pipe(fwd);
		});
		this.proxy = http.createServer((_req, res) => res.writeHead(502).end('only HTTPS to the registry goes through this proxy'));
		this.proxy.on('connect', (req: http.IncomingMessage, socket: import('node:net').Socket) => {
			const [host, port] = String(req.url).split(':');
			if (host !== REGISTRY_HOST || port !== '443') {
				this.refused.add(String(req.url));
				socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
				return;
			}
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
			secure.on('error', () => socket.destroy());
			inner.emit('connection', secure);
		});
		await new Promise<void>((r) => this.proxy!.listen(0, '127.0.0.1', () => r()));
	}
}

async function freePort(): Promise<number> {
	const s = http.createServer();
	await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
	const { port } = s.address() as AddressInfo;
	await new Promise((r) => s.close(r));
	return port;
}

/** Installs the pinned verdaccio into the e2e cache folder once; answers its bin script. */
export function installVerdaccio(version: string, nodeBin: string): string {
	const root = process.env.N8N_E2E_HOME ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(process.env.HOME ?? '/root', '.cache'), 'n8n-nodes-pos-odoo-procountor-e2e');
	const dir = path.join(root, `verdaccio-${version}`);
	const bin = path.join(dir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
	if (!fs.existsSync(path.join(dir, '.complete'))) {
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'verdaccio-host', private: true }));
		execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `verdaccio@${version}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PATH: `${nodeBin}:${process.env.PATH}` } });
		fs.writeFileSync(path.join(dir, '.complete'), '');
	}
	return bin;
}
