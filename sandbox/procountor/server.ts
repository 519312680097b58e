/**
 * The Procountor sandbox: the facts of shared/procountor-api.md — client-credentials tokens
 * with the API key (expiry configurable so tests can expire them), bearer auth, invoices with
 * their status flow, payment events, business partners, products, VAT settings, paging with
 * meta, the errors[] body, and a limit of 20 requests per second per client answered with 429.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SandboxHttpServer, type JsonReply, type SandboxRequest } from '../common/http';

/**
 * Procountor's published enumerations (API 26.04), copied from the facts beside the project
 * (shared/procountor-enums.json): every value the sandbox accepts, and nothing else.
 */
const ENUMS = JSON.parse(fs.readFileSync(path.join(__dirname, 'enums.json'), 'utf8')) as Record<string, string[]>;
const enumOf = (prefix: string): string[] => ENUMS[Object.keys(ENUMS).find((k) => k.startsWith(prefix))!];
export const COUNTRIES = enumOf('country');
export const UNITS = enumOf('invoiceRows[].unit');
export const CHANNELS = enumOf('invoiceChannel');
export const LANGUAGES = enumOf('language');
export const PAYMENT_METHODS = enumOf('paymentInfo.paymentMethod');
export const REFERENCE_TYPES = enumOf('paymentInfo.bankReferenceCodeType');

export interface ProcountorOptions {
	clientId: string;
	clientSecret: string;
	apiKey: string;
	/** Lifetime of an access token, in seconds. */
	expiresIn: number;
	/** Requests allowed per client in any one-second window. */
	rateLimit: number;
}

export const procountorDefaults = (): ProcountorOptions => ({
	clientId: 'procountor-demo-client',
	clientSecret: 'procountor-demo-secret-5b1e',
	apiKey: 'procountor-demo-api-key-93c2',
	expiresIn: 3600,
	rateLimit: 20,
});

type Json = Record<string, unknown>;

/** As `GET /invoices/{id}/paymentevents` returns it; `GET /payments/paymentevents` items differ (no type, currency, description). */
export interface PaymentEvent {
	id: number;
	invoiceId: number;
	type: 'PAYMENT' | 'PAYMENT_REMOVAL';
	paymentDate: string;
	status: 'PAID';
	amount: number;
	currency: string;
	description: string;
	paidAmount: number;
	paidCurrency: string;
	receiverName: string;
	serviceCharge: number;
}

/**
 * An invoice as the API answers it: the schema's Invoice has no total, so the sandbox's own
 * `totalAmount` (kept for the payment status and the tests) is not sent.
 */
function invoiceAnswer(inv: Json): Json {
	const { totalAmount: _total, ...rest } = inv;
	return rest;
}

/** The partner list's invoicingInfo (the schema's BasicInvoicingInfo): no invoice channel, which only the full partner has. */
function basicInvoicingInfo(ii: Json | undefined): Json {
	const { invoiceChannel: _channel, ...rest } = ii ?? {};
	return rest;
}

/** An item of `GET /payments/paymentevents`: the schema's fields for that endpoint only. */
function listedEvent(e: PaymentEvent): Record<string, unknown> {
	return { id: e.id, invoiceId: e.invoiceId, paymentDate: e.paymentDate, amount: e.amount, receiverName: e.receiverName, status: e.status, serviceCharge: e.serviceCharge, paidAmount: e.paidAmount, paidCurrency: e.paidCurrency };
}
function invoiceEvent(e: PaymentEvent): Record<string, unknown> {
	return { id: e.id, invoiceId: e.invoiceId, type: e.type, paymentDate: e.paymentDate, status: e.status, amount: e.amount, currency: e.currency, description: e.description, paidAmount: e.paidAmount, paidCurrency: e.paidCurrency };
}

const VAT_PERCENTAGES = [25.5, 14, 10, 0];
const VAT_STATUSES = [
	{ vatStatus: 1, description: 'Domestic sales and purchases', sales: true, purchase: true },
	{ vatStatus: 3, description: 'Sales outside the EU', sales: true, purchase: false },
	{ vatStatus: 5, description: 'EU sales of goods', sales: true, purchase: false },
	{ vatStatus: 6, description: 'EU sales of services', sales: true, purchase: false },
	{ vatStatus: 12, description: 'No VAT handling', sales: true, purchase: true },
];

/** A Finnish reference (check digit 7-3-1) or an RF creditor reference (ISO 11649, mod 97). */
export function validReference(ref: string, type: string): boolean {
	const r = ref.replace(/\s/g, '').toUpperCase();
	if (type === 'RF') {
		if (!/^RF\d{2}[0-9A-Z]{1,21}$/.test(r)) return false;
		const moved = `${r.slice(4)}${r.slice(0, 4)}`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
		let rem = 0;
		for (const d of moved) rem = (rem * 10 + Number(d)) % 97;
		return rem === 1;
	}
	if (type !== 'FI') return r.length > 0;
	if (!/^\d{4,20}$/.test(r)) return false;
	const digits = r.slice(0, -1).split('').reverse();
	const sum = digits.reduce((s, d, k) => s + Number(d) * [7, 3, 1][k % 3], 0);
	return (10 - (sum % 10)) % 10 === Number(r.at(-1));
}

/** A number with its Finnish reference check digit. */
export function finnishReference(base: string): string {
	const sum = base.split('').reverse().reduce((s, d, k) => s + Number(d) * [7, 3, 1][k % 3], 0);
	return `${base}${(10 - (sum % 10)) % 10}`;
}

const round2 = (v: number) => Math.round((v + Math.sign(v) * 1e-9) * 100) / 100;

/** Characters Windows-1252 can encode. */
function fitsCp1252(text: string): boolean {
	const extra = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
	for (const ch of text) {
		const c = ch.codePointAt(0)!;
		if (c <= 0xff && !(c >= 0x80 && c <= 0x9f)) continue;
		if (!extra.includes(ch)) return false;
	}
	return true;
}

export class ProcountorSandbox {
	readonly options: ProcountorOptions;
	readonly http: SandboxHttpServer;
	private tokens = new Map<string, { clientId: string; expiresAt: number }>();
	private arrivals: number[] = [];
	private arrivalPaths: string[] = [];
	/** Every arrival (time and request), for diagnosing a client's pacing. */
	readonly log: string[] = [];

	/** The requests of the busiest one-second window, for diagnosing a limiter. */
	busiestWindow: string[] = [];
	/** Most requests seen in any one-second window (all clients). */
	maxPerSecond = 0;
	tokensIssued = 0;
	invoices = new Map<number, Json>();
	events: PaymentEvent[] = [];
	partners = new Map<number, Json>();
	products = new Map<number, Json>();
	private nextId = { invoice: 9001, partner: 501, product: 801, event: 70001, number: 10001 };

	constructor(options: Partial<ProcountorOptions> = {}) {
		this.options = { ...procountorDefaults(), ...options };
		this.reset();
		this.http = new SandboxHttpServer(
			'procountor',
			(req) => this.route(req),
			(req) => this.control(req),
			(kind) => ({ errors: [{ status: kind === '429' ? 429 : 502, message: kind === '429' ? 'Too many requests' : 'Bad gateway' }] }),
			(text) => ({ status: 400, body: { errors: [{ status: 400, field: 'request', message: text }] } }),
		);
	}

	reset(): void {
		this.invoices.clear();
		this.events = [];
		this.partners.clear();
		this.products.clear();
		this.tokens.clear();
		this.nextId = { invoice: 9001, partner: 501, product: 801, event: 70001, number: 10001 };
		// Business IDs with valid check digits (Odoo validates Finnish VAT numbers made from them).
		const customers: Array<[string, string, string]> = [
			['Ravintola Aurora Oy', '2345678-0', 'Helsinki'],
			['Catering Pohjola Oy', '3456788-1', 'Oulu'],
			['Tapahtumatoimisto Kaiku Oy', '4567890-7', 'Tampere'],
			['Hotelli Meri Oy', '5678901-2', 'Turku'],
			['Konferenssipalvelu Ry', '6789012-4', 'Espoo'],
		];
		for (const [name, businessId, city] of customers) {
			const id = this.nextId.partner++;
			this.partners.set(id, {
				id,
				type: 'CUSTOMER',
				name,
				address: { name, street: 'Esimerkkikatu 1', zip: '00100', city, country: 'FINLAND' },
				billingAddress: { name, street: 'Esimerkkikatu 1', zip: '00100', city, country: 'FINLAND' },
				invoicingInfo: { identifier: businessId, identifierType: 'BUSINESS_ID', invoiceChannel: 'EMAIL', language: 'FINNISH', email: `laskut@${name.split(' ')[0].toLowerCase()}.example.fi` },
				registryInfo: {},
				paymentInfo: { paymentMethod: 'BANK_TRANSFER', currency: 'EUR' },
				version: '2026-10-01T08:00:00',
			});
		}
		const products: Array<[string, string, number, number]> = [
			['Catering service', 'CAT-SERVICE', 450, 14],
			['Room rental', 'ROOM', 300, 25.5],
			['Beverage package', 'BEV-PACK', 120, 25.5],
		];
		for (const [name, code, price, vat] of products) {
			const id = this.nextId.product++;
			this.products.set(id, { id, type: 'SALES', name, code, unit: 'PIECE', price, discount: 0, vat, currency: 'EUR', active: true, version: '2026-10-01T08:00:00' });
		}
	}

	async start(port = 0): Promise<string> {
		return this.http.listen(port);
	}

	async stop(): Promise<void> {
		await this.http.close();
	}

	get url(): string {
		return `${this.http.url}/api`;
	}

	/** Forgets every token: the next request with one gets 401, as after expiry. */
	expireTokens(): void {
		this.tokens.clear();
	}

	/** Records a payment as the bank would, updating the invoice's status. */
	recordPayment(invoiceId: number, amount: number, paymentDate: string): PaymentEvent {
		const inv = this.invoices.get(invoiceId);
		if (!inv) throw new Error(`No invoice ${invoiceId}`);
		const ev: PaymentEvent = {
			id: this.nextId.event++,
			invoiceId,
			type: amount >= 0 ? 'PAYMENT' : 'PAYMENT_REMOVAL',
			paymentDate,
			status: 'PAID',
			amount,
			currency: String((inv.paymentInfo as Json)?.currency ?? 'EUR'),
			description: amount >= 0 ? 'Bank transfer' : 'Payment removed',
			paidAmount: amount,
			paidCurrency: 'EUR',
			receiverName: 'Ravintola Testi Oy',
			serviceCharge: 0,
		};
		this.events.push(ev);
		const paid = round2(this.events.filter((e) => e.invoiceId === invoiceId).reduce((s, e) => s + e.amount, 0));
		const total = Math.abs(Number(inv.totalAmount ?? 0));
		inv.status = paid <= 0 ? 'SENT' : paid >= total ? 'PAID' : 'PARTLY_PAID';
		return ev;
	}

	private control(req: SandboxRequest): JsonReply | undefined {
		if (req.method === 'POST' && req.path === '/__sandbox/procountor/reset') {
			this.reset();
			return { status: 200, body: { ok: true } };
		}
		if (req.method === 'POST' && req.path === '/__sandbox/procountor/expire-tokens') {
			this.expireTokens();
			return { status: 200, body: { ok: true } };
		}
		const m = /^\/__sandbox\/procountor\/invoices\/(\d+)\/payments$/.exec(req.path);
		if (m && req.method === 'POST') {
			const b = (req.body ?? {}) as { amount: number; paymentDate?: string };
			return { status: 200, body: this.recordPayment(Number(m[1]), Number(b.amount), b.paymentDate ?? new Date().toISOString().slice(0, 10)) };
		}
		if (req.method === 'GET' && req.path === '/__sandbox/procountor/rate') return { status: 200, body: { maxPerSecond: this.maxPerSecond, tokensIssued: this.tokensIssued } };
		return undefined;
	}

	private fail(status: number, message: string, field?: string): JsonReply {
		return { status, body: { errors: [{ status, ...(field ? { field } : {}), message }] } };
	}

	/** Counts every arrival; more than the limit in the last second for this client → 429. */
	private rateLimited(clientKey: string, path = ''): boolean {
		const now = Date.now();
		this.arrivals.push(now);
		this.arrivalPaths.push(`${now % 100000} ${path}`);
		this.log.push(`${now % 100000} ${path}`);
		if (this.log.length > 10_000) this.log.splice(0, this.log.length - 10_000);

		while (this.arrivals.length && this.arrivals[0] <= now - 1000) {
			this.arrivals.shift();
			this.arrivalPaths.shift();
		}
		if (this.arrivals.length > this.maxPerSecond) this.busiestWindow = [...this.arrivalPaths];
		this.maxPerSecond = Math.max(this.maxPerSecond, this.arrivals.length);
		const mine = this.perClient.get(clientKey) ?? [];
		mine.push(now);
		while (mine.length && mine[0] <= now - 1000) mine.shift();
		this.perClient.set(clientKey, mine);
		const over = mine.length > this.options.rateLimit;
		if (over) this.rateLimitedAnswers++;
		return over;
	}

	/** Requests answered 429 for being over the rate limit (Procountor may suspend a client that does this). */
	rateLimitedAnswers = 0;

	private perClient = new Map<string, number[]>();

	private page(req: SandboxRequest, rows: Json[]): JsonReply {
		const page = req.query.has('page') ? Number(req.query.get('page')) : 0;
		const size = req.query.has('size') ? Number(req.query.get('size')) : 50;
		if (!Number.isInteger(page) || page < 0) return this.fail(400, `page must be 0 or more, got "${req.query.get('page')}"`, 'page');
		if (!Number.isInteger(size) || size < 1 || size > 200) return this.fail(400, `size must be from 1 to 200, got "${req.query.get('size')}"`, 'size');
		return { status: 200, body: { results: rows.slice(page * size, (page + 1) * size), meta: { pageNumber: page, pageSize: size, resultCount: Math.max(0, Math.min(size, rows.length - page * size)), totalCount: rows.length } } };
	}

	private token(req: SandboxRequest): JsonReply {
		const b = (req.body ?? {}) as Record<string, string>;
		if (b.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' } };
		const o = this.options;
		if (b.client_id !== o.clientId || b.client_secret !== o.clientSecret || b.api_key !== o.apiKey) {
			return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
		}
		const token = `pct-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
		this.tokens.set(token, { clientId: b.client_id, expiresAt: Date.now() + o.expiresIn * 1000 });
		this.tokensIssued++;
		return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: o.expiresIn } };
	}

	private route(req: SandboxRequest): JsonReply {
		const path = req.path.replace(/^\/api/, '');
		this.http.counter.add(`procountor${path.replace(/\/\d+(,\d+)*/g, '/{id}')}`);
		if (req.method === 'POST' && path === '/oauth/token') {
			if (this.rateLimited(String((req.body as Json)?.client_id ?? 'anonymous'), 'token')) return { ...this.fail(429, 'Too many requests'), headers: { 'Retry-After': '1' } };
			return this.token(req);
		}
		const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
		const session = auth ? this.tokens.get(auth[1]) : undefined;
		if (this.rateLimited(session?.clientId ?? 'anonymous', `${req.method} ${path}${session ? '' : ' (no session)'}`)) return { ...this.fail(429, 'Too many requests'), headers: { 'Retry-After': '1' } };
		if (!session || session.expiresAt < Date.now()) return this.fail(401, 'The access token is invalid or has expired');
		// Procountor's gateway rejects a GET that carries a body.
		if (req.method === 'GET' && req.rawBody.trim()) return this.fail(400, 'A GET request cannot have a body', 'body');
		const body = (req.body ?? {}) as Json;
		const seg = path.split('/').filter(Boolean);
		const key = `${req.method} /${seg[0] ?? ''}`;

		if (key === 'GET /vats') {
			if (seg[1] === 'default') return { status: 200, body: { vatInformation: [{ country: 'FI', percentages: VAT_PERCENTAGES.map((vatPercent) => ({ vatPercent, sales: true, purchase: true })) }], vatStatuses: VAT_STATUSES } };
			if (seg[1] === 'country') {
				if (req.query.get('countryCode') !== 'FI') return this.fail(404, `No VAT information for ${req.query.get('countryCode')}`, 'countryCode');
				return { status: 200, body: { country: 'FI', percentages: VAT_PERCENTAGES.map((vatPercent) => ({ vatPercent, sales: true, purchase: true })) } };
			}
		}
		if (seg[0] === 'businesspartners') return this.partnersRoute(req, seg, body);
		if (seg[0] === 'products') return this.productsRoute(req, seg, body);
		if (seg[0] === 'invoices') return this.invoicesRoute(req, seg, body);
		if (key === 'GET /payments' && seg[1] === 'paymentevents') {
			const ids = String(req.query.get('invoiceId') ?? '').split(',').filter(Boolean).map(Number);
			if (!ids.length) return this.fail(400, 'invoiceId is required', 'invoiceId');
			if (ids.length > 200) return this.fail(400, 'At most 200 invoice ids', 'invoiceId');
			return this.page(req, this.events.filter((e) => ids.includes(e.invoiceId)).map(listedEvent));
		}
		return this.fail(404, `No route ${req.method} ${path}`);
	}

	private partnersRoute(req: SandboxRequest, seg: string[], body: Json): JsonReply {
		const id = seg[1] ? Number(seg[1]) : undefined;
		if (req.method === 'GET' && id === undefined) {
			let rows = [...this.partners.values()];
			// Name and identifier searches travel in headers; the query string has the filters.
			const header = (h: string) => {
				const v = req.headers[h];
				return Array.isArray(v) ? v[0] : v;
			};
			const name = header('name');
			if (name) rows = rows.filter((p) => String(p.name).toLowerCase().includes(name.toLowerCase()));
			const identifier = header('identifier');
			const norm = (v: unknown) => String(v ?? '').replace(/[\s-]/g, '').toUpperCase();
			if (identifier) rows = rows.filter((p) => norm((p.invoicingInfo as Json | undefined)?.identifier) === norm(identifier));
			for (const f of ['type', 'customerNumber', 'identifierType']) {
				const v = req.query.get(f);
				if (v) rows = rows.filter((p) => String(f === 'type' ? p.type : (p.invoicingInfo as Json | undefined)?.[f]) === v);
			}
			const active = req.query.get('active');
			if (active) rows = rows.filter((p) => String(p.active ?? true) === active);
			// The list gives basic info only.
			return this.page(
				req,
				rows.map((p) => ({ id: p.id, name: p.name, billingAddress: p.billingAddress ?? p.address, invoicingInfo: basicInvoicingInfo(p.invoicingInfo as Json | undefined), registryInfo: p.registryInfo ?? {}, type: p.type, version: p.version })),
			);
		}
		if (req.method === 'POST' && id === undefined) {
			const errors = this.requirePartner(body);
			if (errors) return errors;
			const nid = this.nextId.partner++;
			const rec = { ...body, id: nid, version: new Date().toISOString().slice(0, 19) };
			this.partners.set(nid, rec);
			return { status: 200, body: rec };
		}
		const rec = id !== undefined ? this.partners.get(id) : undefined;
		if (!rec) return this.fail(404, `Business partner ${seg[1]} not found`);
		if (req.method === 'GET') return { status: 200, body: rec };
		if (req.method === 'PUT') {
			if (body.version !== rec.version) return this.fail(400, 'version does not match: the partner was changed meanwhile', 'version');
			const errors = this.requirePartner(body);
			if (errors) return errors;
			// PUT replaces the partner.
			const next = { ...body, id, version: new Date().toISOString().slice(0, 19) };
			this.partners.set(id!, next);
			return { status: 200, body: next };
		}
		return this.fail(404, 'No such route');
	}

	private requirePartner(b: Json): JsonReply | undefined {
		const errors: Json[] = [];
		const need = (cond: unknown, field: string, message: string) => {
			if (!cond) errors.push({ status: 400, field, message });
		};
		need(b.name, 'name', 'name is required');
		need(['CUSTOMER', 'SUPPLIER', 'PERSON'].includes(String(b.type)), 'type', 'type must be CUSTOMER, SUPPLIER or PERSON');
		const pi = b.paymentInfo as Json | undefined;
		need(pi && typeof pi === 'object', 'paymentInfo', 'paymentInfo is required');
		if (pi?.paymentMethod !== undefined) need(PAYMENT_METHODS.includes(String(pi.paymentMethod)), 'paymentInfo.paymentMethod', `paymentMethod ${JSON.stringify(pi.paymentMethod)} is not one of ${PAYMENT_METHODS.join(', ')}`);
		if (typeof b.name === 'string') need(fitsCp1252(b.name), 'name', 'Text must fit Windows-1252');
		for (const a of ['address', 'billingAddress']) {
			const addr = b[a] as Json | undefined;
			if (addr?.country !== undefined) need(COUNTRIES.includes(String(addr.country)), `${a}.country`, `country ${JSON.stringify(addr.country)} is not a Procountor country name (e.g. FINLAND, SWEDEN, UNITED_STATES_OF_AMERICA)`);
		}
		const ii = b.invoicingInfo as Json | undefined;
		if (ii?.invoiceChannel !== undefined) need(CHANNELS.includes(String(ii.invoiceChannel)), 'invoicingInfo.invoiceChannel', `invoiceChannel ${JSON.stringify(ii.invoiceChannel)} is not one of ${CHANNELS.join(', ')}`);
		if (ii?.language !== undefined) need(LANGUAGES.includes(String(ii.language)), 'invoicingInfo.language', `language ${JSON.stringify(ii.language)} is not one of ${LANGUAGES.join(', ')}`);
		// The business ID lives in invoicingInfo.identifier: registryInfo has no such field.
		const ri = (b.registryInfo ?? {}) as Json;
		for (const f of ['businessId', 'vatNumber']) need(ri[f] === undefined, `registryInfo.${f}`, `registryInfo has no field ${f}: the business ID goes in invoicingInfo.identifier`);
		return errors.length ? { status: 400, body: { errors } } : undefined;
	}

	private productsRoute(req: SandboxRequest, seg: string[], body: Json): JsonReply {
		const id = seg[1] ? Number(seg[1]) : undefined;
		if (req.method === 'GET' && id === undefined) {
			let rows = [...this.products.values()];
			for (const f of ['type', 'code', 'name']) {
				const v = req.query.get(f);
				if (v) rows = rows.filter((p) => (f === 'name' ? String(p.name).toLowerCase().includes(v.toLowerCase()) : String(p[f]) === v));
			}
			const active = req.query.get('active');
			if (active) rows = rows.filter((p) => String(p.active) === active);
			return this.page(req, rows);
		}
		if (req.method === 'POST' && id === undefined) {
			const errors: Json[] = [];
			const need = (cond: unknown, field: string, message: string) => {
				if (!cond) errors.push({ status: 400, field, message });
			};
			need(body.name, 'name', 'name is required');
			need(['SALES', 'PURCHASE', 'TRAVEL'].includes(String(body.type)), 'type', 'type must be SALES, PURCHASE or TRAVEL');
			need(typeof body.price === 'number', 'price', 'price is required');
			need(typeof body.discount === 'number', 'discount', 'discount is required');
			need(typeof body.active === 'boolean', 'active', 'active is required');
			need(typeof body.currency === 'string' && /^[A-Z]{3}$/.test(body.currency), 'currency', 'currency is required (ISO 4217)');
			if (body.unit !== undefined) need(UNITS.includes(String(body.unit)), 'unit', `unit ${JSON.stringify(body.unit)} is not a Procountor unit`);
			if (errors.length) return { status: 400, body: { errors } };
			const nid = this.nextId.product++;
			const rec = { active: true, unit: 'PIECE', currency: 'EUR', ...body, id: nid, version: new Date().toISOString().slice(0, 19) };
			this.products.set(nid, rec);
			return { status: 200, body: rec };
		}
		const rec = id !== undefined ? this.products.get(id) : undefined;
		if (!rec) return this.fail(404, `Product ${seg[1]} not found`);
		if (req.method === 'GET') return { status: 200, body: rec };
		if (req.method === 'PUT') {
			if (body.version !== rec.version) return this.fail(400, 'version does not match: the product was changed meanwhile', 'version');
			Object.assign(rec, body, { id, version: new Date().toISOString().slice(0, 19) });
			return { status: 200, body: rec };
		}
		return this.fail(404, 'No such route');
	}

	/** Validates an invoice body; field paths as Procountor reports them. */
	private validateInvoice(b: Json): Json[] {
		const errors: Json[] = [];
		const need = (cond: unknown, field: string, message: string) => {
			if (!cond) errors.push({ status: 400, field, message });
		};
		need(b.type === 'SALES_INVOICE', 'type', 'type must be SALES_INVOICE');
		need(typeof b.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(b.date), 'date', 'date is required (YYYY-MM-DD)');
		const cp = b.counterParty as Json | undefined;
		need((cp?.counterPartyAddress as Json | undefined)?.name, 'counterParty.counterPartyAddress.name', 'counterParty.counterPartyAddress.name is required');
		const pi = b.paymentInfo as Json | undefined;
		need(pi?.paymentMethod, 'paymentInfo.paymentMethod', 'paymentInfo.paymentMethod is required');
		need(typeof pi?.currency === 'string' && /^[A-Z]{3}$/.test(pi.currency), 'paymentInfo.currency', 'paymentInfo.currency must be an ISO 4217 code');
		need(typeof pi?.dueDate === 'string', 'paymentInfo.dueDate', 'paymentInfo.dueDate is required');
		need(typeof pi?.currencyRate === 'number', 'paymentInfo.currencyRate', 'paymentInfo.currencyRate is required');
		const ei = b.extraInfo as Json | undefined;
		need(typeof ei?.accountingByRow === 'boolean', 'extraInfo.accountingByRow', 'extraInfo.accountingByRow is required');
		need(typeof ei?.unitPricesIncludeVat === 'boolean', 'extraInfo.unitPricesIncludeVat', 'extraInfo.unitPricesIncludeVat is required');
		need(typeof b.discountPercent === 'number', 'discountPercent', 'discountPercent is required');
		need(cp && typeof cp === 'object', 'counterParty', 'counterParty is required');
		need(pi && typeof pi === 'object', 'paymentInfo', 'paymentInfo is required');
		need(CHANNELS.includes(String(b.invoiceChannel)), 'invoiceChannel', `invoiceChannel ${JSON.stringify(b.invoiceChannel)} is not one of ${CHANNELS.join(', ')}`);
		if (b.invoiceChannel === 'EMAIL') need(typeof cp?.email === 'string' && /.+@.+/.test(cp.email), 'counterParty.email', 'counterParty.email is required for the EMAIL channel');
		if (b.invoiceChannel === 'ELECTRONIC_INVOICE') {
			const ea = cp?.einvoiceAddress as Json | undefined;
			need(ea?.operator && ea?.address, 'counterParty.einvoiceAddress', 'counterParty.einvoiceAddress (operator and address) is required for the ELECTRONIC_INVOICE channel');
		}
		const country = (cp?.counterPartyAddress as Json | undefined)?.country;
		if (country !== undefined) need(COUNTRIES.includes(String(country)), 'counterParty.counterPartyAddress.country', `country ${JSON.stringify(country)} is not a Procountor country name`);
		need(PAYMENT_METHODS.includes(String(pi?.paymentMethod)), 'paymentInfo.paymentMethod', `paymentMethod ${JSON.stringify(pi?.paymentMethod)} is not one of ${PAYMENT_METHODS.join(', ')}`);
		if (pi?.paymentMethod === 'BANK_TRANSFER') need((pi.bankAccount as Json | undefined)?.accountNumber, 'paymentInfo.bankAccount.accountNumber', "the seller's bank account is required for BANK_TRANSFER: the customer must know where to pay");
		if (pi?.bankReferenceCodeType !== undefined) need(REFERENCE_TYPES.includes(String(pi.bankReferenceCodeType)), 'paymentInfo.bankReferenceCodeType', `bankReferenceCodeType ${JSON.stringify(pi.bankReferenceCodeType)} is not one of ${REFERENCE_TYPES.join(', ')}`);
		if (typeof pi?.bankReferenceCode === 'string' && pi.bankReferenceCode) need(validReference(pi.bankReferenceCode, String(pi.bankReferenceCodeType ?? 'FI')), 'paymentInfo.bankReferenceCode', `bankReferenceCode ${pi.bankReferenceCode} is not a valid ${String(pi.bankReferenceCodeType ?? 'FI')} reference`);
		need(VAT_STATUSES.some((s) => s.vatStatus === b.vatStatus), 'vatStatus', 'vatStatus is not a VAT status of this company');
		need(LANGUAGES.includes(String(b.language)), 'language', `language ${JSON.stringify(b.language)} is not one of ${LANGUAGES.join(', ')}`);
		const rows = b.invoiceRows as Json[] | undefined;
		need(Array.isArray(rows) && rows.length > 0, 'invoiceRows', 'invoiceRows must have at least one row');
		(rows ?? []).forEach((r, k) => {
			need(r.product, `invoiceRows[${k}].product`, 'product is required');
			need(typeof r.quantity === 'number', `invoiceRows[${k}].quantity`, 'quantity is required');
			need(UNITS.includes(String(r.unit)), `invoiceRows[${k}].unit`, `unit ${JSON.stringify(r.unit)} is not a Procountor unit`);
			if (r.vatStatus !== undefined) need(VAT_STATUSES.some((st) => st.vatStatus === r.vatStatus), `invoiceRows[${k}].vatStatus`, 'vatStatus is not a VAT status of this company');
			need(typeof r.unitPrice === 'number', `invoiceRows[${k}].unitPrice`, 'unitPrice is required');
			need(typeof r.discountPercent === 'number', `invoiceRows[${k}].discountPercent`, 'discountPercent is required');
			need(VAT_PERCENTAGES.includes(Number(r.vatPercent)), `invoiceRows[${k}].vatPercent`, `vatPercent ${r.vatPercent} is not a VAT percentage of this company`);
			if (typeof r.product === 'string') need(fitsCp1252(r.product), `invoiceRows[${k}].product`, 'Text must fit Windows-1252');
		});
		return errors;
	}

	/** Invoice total, VAT rounded per row as Procountor does. */
	private totals(b: Json): number {
		const incl = !!(b.extraInfo as Json)?.unitPricesIncludeVat;
		let total = 0;
		for (const r of (b.invoiceRows as Json[]) ?? []) {
			const amount = round2(Number(r.quantity) * Number(r.unitPrice) * (1 - Number(r.discountPercent ?? 0) / 100));
			total += incl ? amount : amount + round2((amount * Number(r.vatPercent)) / 100);
		}
		return round2(total * (1 - Number(b.discountPercent ?? 0) / 100));
	}

	private invoicesRoute(req: SandboxRequest, seg: string[], body: Json): JsonReply {
		if (seg.length === 1) {
			if (req.method === 'POST') {
				const errors = this.validateInvoice(body);
				if (errors.length) return { status: 400, body: { errors } };
				const id = this.nextId.invoice++;
				const rec: Json = { ...body, id, status: 'UNFINISHED', totalAmount: this.totals(body), version: new Date().toISOString().slice(0, 19) };
				this.invoices.set(id, rec);
				return { status: 200, body: invoiceAnswer(rec) };
			}
			if (req.method === 'GET') {
				let rows = [...this.invoices.values()];
				const status = req.query.get('status');
				if (status) rows = rows.filter((r) => r.status === status);
				const start = req.query.get('startDate');
				const end = req.query.get('endDate');
				if (start) rows = rows.filter((r) => String(r.date) >= start);
				if (end) rows = rows.filter((r) => String(r.date) <= end);
				return this.page(req, rows.map(invoiceAnswer));
			}
		}
		const ids = String(seg[1] ?? '').split(',').map(Number);
		if (ids.some((x) => !Number.isInteger(x))) return this.fail(400, `Invalid invoice id ${seg[1]}`);
		if (ids.length > 200) return this.fail(400, 'At most 200 invoice ids');
		if (ids.length > 1 && req.method === 'GET' && seg.length === 2) return { status: 200, body: ids.map((x) => this.invoices.get(x)).filter((x): x is Json => !!x).map(invoiceAnswer) };
		const inv = this.invoices.get(ids[0]);
		if (!inv) return this.fail(404, `Invoice ${seg[1]} not found`);
		if (seg.length === 2) {
			if (req.method === 'GET') return { status: 200, body: invoiceAnswer(inv) };
			if (req.method === 'PUT') {
				if (inv.status !== 'UNFINISHED') return this.fail(403, `Invoice ${inv.id} is ${inv.status}: only an UNFINISHED invoice can be changed`);
				if (body.version !== inv.version) return this.fail(400, 'version does not match: the invoice was changed meanwhile', 'version');
				const errors = this.validateInvoice(body);
				if (errors.length) return { status: 400, body: { errors } };
				Object.assign(inv, body, { id: inv.id, status: 'UNFINISHED', totalAmount: this.totals(body), version: new Date().toISOString().slice(0, 19) });
				return { status: 200, body: invoiceAnswer(inv) };
			}
		}
		if (seg[2] === 'paymentevents' && req.method === 'GET') return this.page(req, this.events.filter((e) => e.invoiceId === inv.id).map(invoiceEvent));
		if (req.method === 'PUT' && seg[2] === 'approve') {
			if (inv.status !== 'UNFINISHED') return this.fail(403, `Invoice ${inv.id} is ${inv.status}: only an UNFINISHED invoice can be approved`);
			const number = this.nextId.number++;
			const pi = (inv.paymentInfo ?? {}) as Json;
			// An empty bankReferenceCode asks Procountor for one: the invoice number with its check digit.
			if (pi.bankReferenceCode === '') Object.assign(pi, { bankReferenceCode: finnishReference(String(number)), bankReferenceCodeType: 'FI' });
			Object.assign(inv, { status: 'NOT_SENT', invoiceNumber: number, version: new Date().toISOString().slice(0, 19) });
			return { status: 200, body: {} };
		}
		if (req.method === 'PUT' && seg[2] === 'send') {
			if (inv.status !== 'NOT_SENT') {
				return this.fail(403, inv.status === 'UNFINISHED' ? `Invoice ${inv.id} must be approved before sending` : `Invoice ${inv.id} was already sent: an invoice can be sent only once`);
			}
			Object.assign(inv, { status: 'SENT', version: new Date().toISOString().slice(0, 19) });
			return { status: 200, body: {} };
		}
		if (req.method === 'PUT' && (seg[2] === 'verify' || seg[2] === 'invalidate')) {
			if (seg[2] === 'invalidate') inv.status = 'INVALIDATED';
			return { status: 200, body: {} };
		}
		return this.fail(404, 'No such route');
	}
}
