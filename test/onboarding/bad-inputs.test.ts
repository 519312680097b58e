/**
 * The bad-input table: what a newcomer gets wrong on day one (credentials files, environment,
 * template settings, credential values) and servers that misbehave, each run through `npm run flows`
 * as they would run it. Each case asserts the exit code, an upper bound on seconds (a guard against
 * hanging, not a speed target: the budgets here are seconds, not the defaults' minutes), the words
 * of the message, and that no secret reaches the output, the state files or the audit record.
 * The README's troubleshooting table is checked against it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flowsCli, withProgress } from '../../runner/flows';
import { type Sandboxes, startSandboxes } from '../../sandbox';
import { type BadServers, type Behaviour, startBadServers } from './bad-servers';

interface World {
	sb: Sandboxes;
	bad: BadServers;
	/** The sandboxes' credentials, as a user's file would hold them. */
	creds: Record<string, Record<string, string | number | boolean>>;
}

interface Case {
	name: string;
	/** The template named on the command line (one, so a case runs one flow). */
	template?: string;
	/** The credentials file: an object written as JSON, or raw text; none: no --credentials. */
	file?: (w: World) => unknown;
	env?: (w: World) => Record<string, string>;
	/** Arguments after the template name. */
	args?: string[];
	exit: 0 | 1;
	/** Upper bound on wall seconds. */
	seconds: number;
	/** Every one of these is in what the run printed (stdout and stderr). */
	said: RegExp[];
	notSaid?: RegExp[];
	/** Words the README's troubleshooting table quotes for this case. */
	readme?: string;
	/** What the misbehaving server saw. */
	calls?: (w: World) => void;
}

const SECRET_KEY = 'f00dcafe'.repeat(5); // the shape of an Odoo API key
const SECRET_PW = 'Day1-Secret-pw-93x';
const CODEPLUS_TOKEN_BAD = 'Wrong-Codeplus-token-5521';

type Creds = Record<string, Record<string, string | number | boolean>>;
const withOdoo = (w: World, change: Record<string, string | number>): Creds => ({ ...w.creds, odooErpApi: { ...w.creds.odooErpApi, ...change } });
/** Odoo behind a misbehaving server, with budgets of seconds. */
const odooAt = (b: Behaviour | 'refused', extra: Record<string, string | number> = {}) => (w: World) =>
	withOdoo(w, { url: b === 'refused' ? w.bad.refused : w.bad.url(b), timeoutSeconds: 1, budgetSeconds: 3, ...extra });
const codeplusAt = (b: Behaviour) => (w: World) => ({ ...w.creds, codeplusApi: { ...w.creds.codeplusApi, baseUrl: w.bad.url(b), timeoutSeconds: 1, budgetSeconds: 3 } });

const cases: Case[] = [
	// The credentials file.
	{ name: 'file: not JSON next to a password', file: () => `{"odooErpApi": {"url": "https://erp.example.fi", "password": ${SECRET_PW} }}`, exit: 1, seconds: 5, said: [/is not valid JSON at line 1, column \d+: check the quotes and commas there/], readme: 'is not valid JSON at line' },
	{ name: 'file: cut short', file: () => `{"odooErpApi": {"url": "https://erp.example.fi",\n "password": "${SECRET_PW}"`, exit: 1, seconds: 5, said: [/is not valid JSON \(it ends too early\)|is not valid JSON at line 2/] },
	{ name: 'file: a key that is not a credential', file: () => ({ odoo: { url: 'https://erp.example.fi' } }), exit: 1, seconds: 5, said: [/has "odoo": the keys are odooErpApi, codeplusApi, procountorApi/], readme: 'the keys are odooErpApi, codeplusApi, procountorApi' },
	{ name: 'file: a field the credential does not have', file: () => ({ odooErpApi: { url: 'https://erp.example.fi', database: 'prod', login: 'n8n', apiKey: SECRET_KEY } }), exit: 1, seconds: 5, said: [/odooErpApi has no field "login": did you mean "username"\?/], readme: 'has no field' },
	{ name: 'file: a required field missing', file: () => ({ odooErpApi: { url: 'https://erp.example.fi', database: 'prod', username: 'n8n', authentication: 'password' } }), exit: 1, seconds: 5, said: [/is missing "password" \(or ODOO_PASSWORD\)/], readme: 'is missing' },
	{ name: 'file: no such file', file: () => undefined, args: ['--credentials', '/nonexistent/creds.json'], exit: 1, seconds: 5, said: [/^Cannot read the credentials file .*creds\.json: there is no such file$/m] },
	{ name: 'file: a folder, not a file', args: ['--credentials', os.tmpdir()], exit: 1, seconds: 5, said: [/Cannot read the credentials file .*: it is a folder, not a file/] },
	{ name: 'file: empty', file: () => '', exit: 1, seconds: 5, said: [/The credentials file .* is empty/] },
	{ name: 'file: a list, not an object', file: () => [{ odooErpApi: {} }], exit: 1, seconds: 5, said: [/The credentials file .* holds a list: it should be one object, \{"odooErpApi": \{…\}, …\}/] },
	{ name: 'file: a number where the field takes seconds', file: (w) => withOdoo(w, { timeoutSeconds: 'sixty' }), exit: 1, seconds: 5, said: [/odooErpApi field "timeoutSeconds" is a number \(seconds\), not "sixty"/] },
	{ name: 'file: a credential that is not an object', file: () => ({ odooErpApi: 'https://erp.example.fi' }), exit: 1, seconds: 5, said: [/odooErpApi should be an object of fields \(\{"url": …, …\}\), not a text/] },
	// The environment and the command line.
	{ name: 'env: ODOO_URL without the database', env: () => ({ ODOO_URL: 'https://erp.example.fi', ODOO_LOGIN: 'n8n', ODOO_API_KEY: SECRET_KEY }), exit: 1, seconds: 5, said: [/The odooErpApi credential is missing "database" \(or ODOO_DATABASE\)/] },
	{ name: 'env: Procountor client without its secret', env: () => ({ PROCOUNTOR_CLIENT_ID: 'client-1', PROCOUNTOR_API_KEY: SECRET_PW }), exit: 1, seconds: 5, said: [/procountorApi credential is missing "clientSecret" \(or PROCOUNTOR_CLIENT_SECRET\)/] },
	{ name: 'env: a user name and password inside ODOO_URL', env: () => ({ ODOO_URL: `https://n8n:${SECRET_PW}@erp.example.fi`, ODOO_DATABASE: 'prod', ODOO_LOGIN: 'n8n', ODOO_API_KEY: SECRET_KEY }), exit: 1, seconds: 10, said: [/The Site URL of the Odoo ERP API credential holds a user name or password \(https:\/\/\*\*\*@erp\.example\.fi\): remove them from the URL/], readme: 'holds a user name or password' },
	{ name: 'env: FLOWS_NOW not a time', env: () => ({ FLOWS_NOW: 'tomorrow' }), exit: 1, seconds: 5, said: [/FLOWS_NOW: "tomorrow" is not a date \(YYYY-MM-DD\) or an ISO 8601 time with a zone/] },
	{ name: 'args: --credentials without a path', args: ['--credentials'], exit: 1, seconds: 5, said: [/--credentials needs the path of a credentials file/] },
	{ name: 'args: an unknown option', args: ['--verbose'], exit: 1, seconds: 5, said: [/Unknown option --verbose: the options are --credentials FILE, --state DIR, --set NAME=VALUE, --json, --list/] },
	{ name: 'args: --set without NAME=VALUE', args: ['--set', 'endpoint'], exit: 1, seconds: 5, said: [/--set takes NAME=VALUE/] },
	{ name: 'args: an unknown template', template: 'order-import', exit: 1, seconds: 5, said: [/Unknown template "order-import": did you mean pixelpoint-order-import\?/], readme: 'Unknown template' },
	// Template settings (--set): the steps' parameters a user sets.
	{ name: 'setting: a name the template does not have', template: 'odoo-invoices-canonical-sync', args: ['--set', 'endpont=https://example.com'], exit: 1, seconds: 5, said: [/odoo-invoices-canonical-sync has no setting "endpont": did you mean "endpoint"\? Its settings are endpoint, preview, expectedCurrency, batchSize, allowPlainHttp/], readme: 'has no setting' },
	{ name: 'setting: a template without settings', template: 'pixelpoint-order-import', args: ['--set', 'batchSize=10'], exit: 1, seconds: 5, said: [/pixelpoint-order-import has no settings: --set batchSize changes nothing/] },
	{ name: 'setting: a number that is not one', template: 'odoo-invoices-canonical-sync', args: ['--set', 'batchSize=many'], exit: 1, seconds: 5, said: [/The setting "batchSize" of odoo-invoices-canonical-sync is a number, not "many"/] },
	{ name: 'setting: a yes/no that is neither', template: 'odoo-invoices-canonical-sync', args: ['--set', 'preview=maybe'], exit: 1, seconds: 5, said: [/The setting "preview" of odoo-invoices-canonical-sync is true or false, not "maybe"/] },
	{ name: 'setting: an endpoint that is not a URL', template: 'odoo-invoices-canonical-sync', file: (w) => w.creds, args: ['--set', 'endpoint=ftp://files.example.fi/in'], exit: 1, seconds: 60, said: [/Settings → endpoint "ftp:\/\/files\.example\.fi\/in" is not an http\(s\) URL/] },
	// Credential values.
	{ name: 'Odoo: a URL copied from the browser', file: (w) => withOdoo(w, { url: `${w.sb.odoo.url}/odoo/action-point_of_sale` }), exit: 1, seconds: 20, said: [/drop "\/odoo\/action-point_of_sale"/], readme: 'should be the server\'s address without a path' },
	{ name: 'Odoo: a URL without http(s)', file: (w) => withOdoo(w, { url: 'erp.example.fi' }), exit: 1, seconds: 20, said: [/The Site URL of the Odoo ERP API credential, "erp\.example\.fi", is not an http\(s\) URL/] },
	{ name: 'Odoo: a database the server does not have', file: (w) => withOdoo(w, { database: 'prod' }), exit: 1, seconds: 20, said: [/has no database "prod"/, /It has: /], readme: 'has no database' },
	{ name: 'Odoo: an API key of 3,000 characters', file: (w) => withOdoo(w, { apiKey: `${SECRET_KEY}${'0'.repeat(2960)}` }), exit: 1, seconds: 20, said: [/the key in the credential is 3000 characters long, and Odoo's API keys are 40 characters/], readme: "Odoo's API keys are 40 characters" },
	{ name: 'Odoo: an API key with a line break', file: (w) => withOdoo(w, { apiKey: `${SECRET_KEY.slice(0, 20)}\n${SECRET_KEY.slice(20)}` }), exit: 1, seconds: 20, said: [/41 characters long with spaces or line breaks in it/] },
	{ name: 'Odoo: an expired or revoked API key', file: (w) => withOdoo(w, { apiKey: SECRET_KEY }), exit: 1, seconds: 20, said: [/it has expired or was revoked, or the login is wrong/], readme: 'it has expired or was revoked' },
	{ name: 'Odoo: a wrong password', file: (w) => withOdoo(w, { authentication: 'password', password: SECRET_PW }), exit: 1, seconds: 20, said: [/Odoo refused the login of "[^"]+" on database/], readme: 'Odoo refused the login' },
	{ name: 'Odoo: a password of 5,000 characters', file: (w) => withOdoo(w, { authentication: 'password', password: `${SECRET_PW}${'y'.repeat(4982)}` }), exit: 1, seconds: 20, said: [/the password in the credential is 5000 characters long, which looks pasted wrong/] },
	{ name: 'Odoo: a company the login has no access to', file: (w) => withOdoo(w, { company: 'Nonexistent Oy' }), exit: 1, seconds: 20, said: [/The login "[^"]+" may not work in the company "Nonexistent Oy"/], readme: 'may not work in the company' },
	{ name: 'Codeplus: a wrong token', file: (w) => ({ ...w.creds, codeplusApi: { ...w.creds.codeplusApi, token: CODEPLUS_TOKEN_BAD } }), exit: 1, seconds: 20, said: [/Codeplus INVALID_TOKEN: The token is missing or not valid for this company/], readme: 'Codeplus INVALID_TOKEN' },
	{ name: 'Codeplus: a token inside the URL', file: (w) => ({ ...w.creds, codeplusApi: { ...w.creds.codeplusApi, baseUrl: w.sb.codeplus.url.replace('://', `://user:${SECRET_PW}@`) } }), exit: 1, seconds: 20, said: [/Base URL of the Codeplus credential/] },
	{ name: 'Procountor: a wrong client secret', template: 'procountor-master-data', file: (w) => ({ ...w.creds, procountorApi: { ...w.creds.procountorApi, clientSecret: SECRET_PW } }), exit: 1, seconds: 30, said: [/Procountor refused the client credentials \(HTTP 401\)/], notSaid: [/mandatory field|require a name/], readme: 'Procountor refused the client credentials' },
	// Servers that misbehave.
	{ name: 'Odoo: nothing listening', file: odooAt('refused'), exit: 1, seconds: 15, said: [/connection refused \(is the server running\?\)/, /check the URL in the credential and that the server is running/], readme: 'connection refused (is the server running?)' },
	{
		name: 'Odoo: accepts, never answers',
		file: odooAt('silent'),
		exit: 1,
		seconds: 15,
		said: [/Odoo did not answer at http:\/\/127\.0\.0\.1:\d+ for \d s: no answer before the timeout/, /Time Budget/, /audit record not posted in Odoo either: kept with the workflow/],
		notSaid: [/Post Audit Record: Odoo/, /was not called/],
		readme: 'did not answer at',
		// The first step's tries only: no later step called the silent server again.
		calls: (w) => expect(w.bad.seen.get('silent')!.length).toBeLessThanOrEqual(3),
	},
	{ name: 'Odoo: drips one byte a second', file: odooAt('drip'), exit: 1, seconds: 15, said: [/Odoo did not answer at .* for \d s: no answer before the timeout/] },
	{ name: 'Odoo: a proxy\'s HTML 502 page', file: odooAt('html502'), exit: 1, seconds: 15, said: [/every try was answered HTTP 502/, /an HTML page/] , readme: 'every try was answered HTTP 502' },
	{ name: 'Odoo: a login page where JSON was expected', file: odooAt('htmlLogin'), exit: 1, seconds: 15, said: [/Odoo answered an HTML page \(".*Sign in.*"\) where JSON was expected at http:\/\/127\.0\.0\.1:\d+/], readme: 'where JSON was expected' },
	{ name: 'Odoo: a redirect to another host', file: odooAt('redirect'), exit: 1, seconds: 15, said: [/Odoo answered a redirect \(HTTP 302\) to login\.example\.invalid/, /not followed/], readme: 'answered a redirect' },
	{ name: 'Odoo: a reset in the middle of the answer', file: odooAt('reset'), exit: 1, seconds: 15, said: [/Odoo did not answer at .*: connection reset/] },
	{ name: 'Odoo: not an Odoo server (404)', file: odooAt('notFound'), exit: 1, seconds: 15, said: [/Is http:\/\/127\.0\.0\.1:\d+ an Odoo server\?/] },
	{ name: 'Odoo: https to a server that speaks http', file: (w) => withOdoo(w, { url: w.sb.odoo.url.replace('http:', 'https:'), timeoutSeconds: 1, budgetSeconds: 3 }), exit: 1, seconds: 15, said: [/TLS failed: the server answered plain http where https was asked/], readme: 'TLS failed' },
	{ name: 'Codeplus: accepts, never answers', file: codeplusAt('silent'), exit: 1, seconds: 15, said: [/Codeplus did not answer at .* for \d s: no answer before the timeout/] },
	{ name: 'Codeplus: a login page where JSON was expected', file: codeplusAt('htmlLogin'), exit: 1, seconds: 15, said: [/Codeplus answered an HTML page/] },
	{ name: 'Procountor: accepts, never answers', template: 'procountor-master-data', file: (w) => ({ ...w.creds, procountorApi: { ...w.creds.procountorApi, customUrl: w.bad.url('silent'), timeoutSeconds: 1, budgetSeconds: 3 } }), exit: 1, seconds: 20, said: [/Procountor/, /did not answer|no answer/] },
];

describe('the bad-input table: npm run flows', () => {
	let w: World;
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-inputs-'));
	beforeAll(async () => {
		const sb = await startSandboxes();
		const bad = await startBadServers();
		const all = sb.credentials();
		w = { sb, bad, creds: { odooErpApi: all.odooErpApi, codeplusApi: all.codeplusApi, procountorApi: all.procountorApi } };
	});
	afterAll(async () => {
		await w?.bad.stop();
		await w?.sb.stop();
		fs.rmSync(tmp, { recursive: true, force: true });
	});

	test('holds at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

	test.each(cases.map((c, k) => [c.name, c, k] as const))('%s', async (_name, c, k) => {
		const dir = path.join(tmp, `case-${k}`);
		fs.mkdirSync(dir);
		const args: string[] = [c.template ?? 'pixelpoint-order-import'];
		const content = c.file?.(w);
		if (c.file && content !== undefined) {
			const file = path.join(dir, 'credentials.json');
			fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
			args.push('--credentials', file);
		}
		if (c.file || c.env) args.push('--state', path.join(dir, 'state'));
		args.push(...(c.args ?? []));
		let printed = '';
		const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...(c.env?.(w) ?? {}) };
		for (const list of w.bad.seen.values()) list.length = 0;
		const messagesBefore = Math.max(0, ...w.sb.odoo.db.search(w.sb.odoo.env(), 'mail.message', []));
		// Not Date: the run sets the process's clock (FLOWS_NOW).
		const started = performance.now();
		const code = await flowsCli(args, { env, out: (t) => (printed += t), err: (t) => (printed += t) });
		const seconds = (performance.now() - started) / 1000;
		if (process.env.TABLE_PRINT) fs.appendFileSync(process.env.TABLE_PRINT, `==== ${c.name} (exit ${code}, ${seconds.toFixed(1)} s)\n${printed}\n`);
		expect({ printed, code }).toMatchObject({ code: c.exit });
		for (const words of c.said) expect(printed).toMatch(words);
		if (c.readme) expect(printed).toContain(c.readme);
		c.calls?.(w);
		for (const words of c.notSaid ?? []) expect(printed).not.toMatch(words);
		expect(seconds).toBeLessThan(c.seconds);
		// No secret anywhere: what was printed, the state files, the audit records posted in Odoo.
		const env0 = w.sb.odoo.env();
		const audit = w.sb.odoo.db
			.read(env0, 'mail.message', w.sb.odoo.db.search(env0, 'mail.message', []).filter((id) => id > messagesBefore), ['body'])
			.map((m) => String(m.body))
			.join('\n');
		const stateDir = path.join(dir, 'state');
		const state = fs.existsSync(stateDir) ? fs.readdirSync(stateDir).map((f) => fs.readFileSync(path.join(stateDir, f), 'utf8')).join('\n') : '';
		const secrets = [SECRET_KEY, SECRET_PW, CODEPLUS_TOKEN_BAD, ...Object.values(w.creds).flatMap((x) => [x.apiKey, x.token, x.clientSecret, x.password])].filter(
			(s): s is string => typeof s === 'string' && s.length > 5,
		);
		for (const s of secrets) {
			for (const [where, text] of [['printed', printed], ['state', state], ['audit', audit]] as const) expect({ where, leaked: text.includes(s) }).toEqual({ where, leaked: false });
		}
	});

	test('an audit record Odoo could not take is kept with the workflow and posted first on the next run', async () => {
		const dir = path.join(tmp, 'kept');
		fs.mkdirSync(dir);
		const silent = path.join(dir, 'silent.json');
		const healthy = path.join(dir, 'healthy.json');
		fs.writeFileSync(silent, JSON.stringify(odooAt('silent')(w)));
		fs.writeFileSync(healthy, JSON.stringify(w.creds));
		const state = path.join(dir, 'state');
		const io = { env: { PATH: process.env.PATH }, out: () => undefined, err: () => undefined };
		expect(await flowsCli(['pixelpoint-order-import', '--credentials', silent, '--state', state], io)).toBe(1);
		// n8n keeps a node's static data under "node:<name>".
		const kept = () =>
			(JSON.parse(fs.readFileSync(path.join(state, 'pixelpoint-order-import.json'), 'utf8')) as Record<string, { keptAuditRecords?: Array<{ record: { error?: string } }> } | undefined>)['node:Odoo: Post Audit Record']
				?.keptAuditRecords ?? [];
		expect(kept()).toHaveLength(1);
		expect(kept()[0].record.error).toMatch(/Odoo did not answer/);
		const env = w.sb.odoo.env();
		const ids = () => w.sb.odoo.db.search(env, 'mail.message', []).sort((a, b) => a - b);
		const before = Math.max(0, ...ids());
		await flowsCli(['pixelpoint-order-import', '--credentials', healthy, '--state', state], io);
		const posted = w.sb.odoo.db.read(env, 'mail.message', ids().filter((id) => id > before), ['body']).map((m) => String(m.body));
		// The kept record first, then this run's.
		expect(posted[0]).toMatch(/PixelPoint order import: failed .*Odoo did not answer/);
		expect(posted.length).toBe(2);
		expect(kept()).toEqual([]);
	});

	test('npm run flows on the sandboxes, with every audit record (--json), prints no secret', async () => {
		let printed = '';
		const code = await flowsCli(['--json'], { env: { PATH: process.env.PATH }, out: (t) => (printed += t), err: (t) => (printed += t) });
		expect(code).toBe(0);
		expect(printed).toContain('flows succeeded, 0 failed');
		// The sandboxes' secrets are fixed per kind (the tills' signing secret is new at every start: not printable here).
		const secrets = Object.values(w.creds).flatMap((x) => [x.apiKey, x.token, x.clientSecret, x.password]).filter((v): v is string => typeof v === 'string' && v.length > 5);
		expect(secrets.length).toBeGreaterThanOrEqual(4);
		for (const secret of [...secrets, 'sandbox-admin-pw-7d1c']) expect({ secret: secret.slice(0, 3), found: printed.includes(secret) }).toEqual({ secret: secret.slice(0, 3), found: false });
	});

	test('a step that takes long is said while the run waits', async () => {
		const lines: string[] = [];
		await withProgress('t', async (onStep) => {
			onStep('Odoo: Import Orders');
			await new Promise((resolve) => setTimeout(resolve, 700));
			onStep('Done');
		}, (l) => lines.push(l), { firstMs: 200, everyMs: 10_000 });
		expect(lines).toEqual([expect.stringMatching(/^ {2}… t: still at "Odoo: Import Orders" after \d s\n$/)]);
	});

	test("the README's troubleshooting table quotes only messages of this table, and each case it names", () => {
		const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
		const section = /## Troubleshooting\n([\s\S]*?)(\n## |$)/.exec(readme)?.[1] ?? '';
		const quoted = [...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]);
		const named = cases.filter((c) => c.readme).map((c) => c.readme as string);
		expect(quoted.sort()).toEqual([...named].sort());
	});
});
