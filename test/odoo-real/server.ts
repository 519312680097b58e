/**
 * Real Odoo Community servers for the tests: a source tree from `../shared/odoo` (or
 * ODOO_SOURCE_DIR) unpacked once into a cache, a database made once per (tree, setup) and kept as
 * a `pg_dump`, restored for every run in seconds and served on loopback with Debian's Python.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
export const CACHE = process.env.ODOO_REAL_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'n8n-nodes-pos-odoo-procountor-odoo');
const PYTHON = process.env.ODOO_PYTHON ?? '/usr/bin/python3';
/** Modules of a Finnish restaurant: POS with the restaurant extension, accounting, the Finnish localisation. */
export const MODULES = ['point_of_sale', 'pos_restaurant', 'account', 'l10n_fi', 'l10n_de'];

/** Where the Odoo source tarballs are: ODOO_SOURCE_DIR, else ../shared/odoo beside the repository. */
export function sourceDir(): string {
	const dir = process.env.ODOO_SOURCE_DIR ?? path.resolve(ROOT, '..', 'shared', 'odoo');
	return dir;
}

export function tarballOf(version: string): string {
	const file = path.join(sourceDir(), `odoo-${version}.tar.gz`);
	if (!fs.existsSync(file)) {
		throw new Error(`Odoo ${version} source not found at ${file}: set ODOO_SOURCE_DIR to the folder holding odoo-${version}.tar.gz (../shared/odoo beside the repository by default)`);
	}
	return file;
}

function sha(file: string): string {
	return createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12);
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as net.AddressInfo).port;
			s.close(() => resolve(port));
		});
	});
}

const pg = () => ({ user: process.env.PGUSER ?? 'n8n_ci', password: process.env.PGPASSWORD ?? 'n8n-ci-local-only' });
const pgEnv = () => ({ ...process.env, PGUSER: pg().user, PGPASSWORD: pg().password, PGHOST: '127.0.0.1' });

/** One SQL statement on a test database: only for what no API can do, such as letting time pass. */
export function sql(db: string, statement: string): string {
	return execFileSync('psql', ['-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', statement], { env: pgEnv() }).toString('utf8').trim();
}

export function dropDb(name: string): void {
	execFileSync('dropdb', ['--if-exists', '--force', name], { env: pgEnv(), stdio: 'ignore' });
}

/** One version's tree, unpacked once into the cache (keyed by the tarball's checksum). */
export function tree(version: string): { dir: string; key: string } {
	const tarball = tarballOf(version);
	const key = `${version}-${sha(tarball)}`;
	const dir = path.join(CACHE, key, 'src');
	if (!fs.existsSync(path.join(dir, 'odoo-bin'))) {
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		execFileSync('tar', ['-xzf', tarball, '-C', dir]);
	}
	return { dir, key };
}

export interface OdooServerOptions {
	version: string;
	db: string;
	port: number;
	dataDir: string;
	/**
	 * Odoo's prefork workers (`--workers=N`), as production runs it; 0 (the default) is the
	 * threaded server. A long import call must not hit the per-request limits' defaults (60 s CPU,
	 * 120 s real), so they are raised as an integrator would for a history load.
	 */
	workers?: number;
}

function odooArgs(src: string, o: { db: string; dataDir: string }): string[] {
	return [
		path.join(src, 'odoo-bin'),
		`--addons-path=${path.join(src, 'addons')}`,
		`--data-dir=${o.dataDir}`,
		'--db_host=127.0.0.1',
		`--db_user=${pg().user}`,
		`--db_password=${pg().password}`,
		'-d',
		o.db,
		`--db-filter=^${o.db}$`,
		'--no-database-list',
	];
}

function workerArgs(workers: number): string[] {
	if (workers <= 0) return ['--workers=0'];
	return [`--workers=${workers}`, '--limit-time-cpu=1800', '--limit-time-real=3600', `--limit-memory-soft=${4 * 1024 ** 3}`, `--limit-memory-hard=${6 * 1024 ** 3}`];
}

/** A running server. */
export class OdooServer {
	private proc?: ChildProcess;
	readonly url: string;
	readonly log: string;

	constructor(
		readonly src: string,
		readonly o: OdooServerOptions,
	) {
		this.url = `http://127.0.0.1:${o.port}`;
		this.log = path.join(o.dataDir, `${o.db}.log`);
	}

	/** The server's process id, which is also its process group's (Odoo's workers are in it). */
	get pid(): number | undefined {
		return this.proc?.pid;
	}

	async start(): Promise<void> {
		const gevent = await freePort();
		const fd = fs.openSync(this.log, 'a');
		this.proc = spawn(
			PYTHON,
			[...odooArgs(this.src, this.o), `--http-port=${this.o.port}`, '--http-interface=127.0.0.1', `--gevent-port=${gevent}`, '--max-cron-threads=0', ...workerArgs(this.o.workers ?? 0), '--log-level=warn'],
			{ stdio: ['ignore', fd, fd], detached: true },
		);
		const until = Date.now() + 120_000;
		while (Date.now() < until) {
			if (this.proc.exitCode !== null) throw new Error(`Odoo ${this.o.version} exited (${this.proc.exitCode}); log: ${this.log}\n${tail(this.log)}`);
			try {
				const r = await fetch(`${this.url}/web/webclient/version_info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc":"2.0","params":{}}' });
				if (r.ok) return;
			} catch {
				/* not up yet */
			}
			await new Promise((r) => setTimeout(r, 300));
		}
		throw new Error(`Odoo ${this.o.version} did not answer on ${this.url} within 120 s; log: ${this.log}`);
	}

	async stop(): Promise<void> {
		const p = this.proc;
		if (!p?.pid || p.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			p.once('exit', () => resolve());
			try {
				process.kill(-p.pid!, 'SIGTERM');
			} catch {
				resolve();
			}
			setTimeout(() => {
				try {
					process.kill(-p.pid!, 'SIGKILL');
				} catch {
					/* gone */
				}
			}, 10_000).unref();
		});
	}
}

function tail(file: string, lines = 30): string {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/**
 * An API key for a login, made the way Odoo 19 allows it without a browser session: in `odoo-bin
 * shell`, as the user, in sudo (over the web API a key needs a session and an identity check).
 * Valid for `days` days on the server's (real) clock.
 */
export function makeApiKey(src: string, db: string, dataDir: string, login: string, days = 30): string {
	const script = [
		'import datetime',
		`user = env['res.users'].search([('login', '=', ${JSON.stringify(login)})], limit=1)`,
		`key = env['res.users.apikeys'].with_user(user).sudo()._generate(None, 'n8n test harness', datetime.datetime.now() + datetime.timedelta(days=${days}))`,
		'env.cr.commit()',
		"print('N8N_API_KEY=' + key)",
	].join('\n');
	const out = execFileSync(PYTHON, [...odooArgs(src, { db, dataDir }).slice(0, 1), 'shell', ...odooArgs(src, { db, dataDir }).slice(1), '--no-http', '--log-level=warn'], {
		input: script,
		timeout: 120_000,
	}).toString('utf8');
	const key = /N8N_API_KEY=([0-9a-f]+)/.exec(out)?.[1];
	if (!key) throw new Error(`odoo-bin shell made no API key for ${login} on ${db}: ${out.slice(-500)}`);
	return key;
}

/** Creates a database with the modules installed (no demo data), through odoo-bin, as `odoo-bin -i` does for an integrator. */
export function initDb(src: string, db: string, dataDir: string, log: string): void {
	dropDb(db);
	try {
		execFileSync(PYTHON, [...odooArgs(src, { db, dataDir }), '-i', MODULES.join(','), '--without-demo=all', '--stop-after-init', '--log-level=warn'], {
			stdio: ['ignore', fs.openSync(log, 'a'), fs.openSync(log, 'a')],
			timeout: 900_000,
		});
	} catch (e) {
		throw new Error(`creating the Odoo database ${db} failed: ${(e as Error).message}\n${tail(log)}`);
	}
}

export function dump(db: string, file: string): void {
	execFileSync('pg_dump', ['-Fc', '-f', file, db], { env: pgEnv() });
}

export function restore(file: string, db: string): void {
	dropDb(db);
	execFileSync('createdb', [db], { env: pgEnv() });
	execFileSync('pg_restore', ['--no-owner', '-d', db, file], { env: pgEnv() });
}

/** Copies a database's attachment store (what a dump does not hold). */
export function copyFilestore(dataDir: string, from: string, to: string): void {
	const src = path.join(dataDir, 'filestore', from);
	const dst = path.join(dataDir, 'filestore', to);
	fs.rmSync(dst, { recursive: true, force: true });
	if (fs.existsSync(src)) fs.cpSync(src, dst, { recursive: true });
}
