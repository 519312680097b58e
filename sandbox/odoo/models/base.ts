/** res.*, ir.model*, product.*, and Discuss channels. */
import { validationError } from '../errors';
import type { Database, Env, Rec } from '../orm';
import { mainCompany } from '../orm';

const company = (): number => 1;

/**
 * base_vat (installed with a localisation): a Finnish VAT number is FI and eight digits whose last
 * is the business ID's check digit (weights 7 9 10 5 8 4 2, modulo 11); Odoo refuses any other.
 * Odoo 19 checks a number only for a partner with a country (17 and 18 take it from the prefix).
 */
function checkVat(env: Env, vals: Record<string, unknown>): void {
	const vat = typeof vals.vat === 'string' ? vals.vat.replace(/[\s-]/g, '').toUpperCase() : '';
	if (!vat.startsWith('FI')) return;
	if (env.db.version >= 19 && !vals.country_code) return;
	const digits = vat.slice(2);
	const ok = (() => {
		if (!/^\d{8}$/.test(digits)) return false;
		const sum = [7, 9, 10, 5, 8, 4, 2].reduce((s, w, k) => s + w * Number(digits[k]), 0);
		const r = sum % 11;
		return r !== 1 && (r === 0 ? 0 : 11 - r) === Number(digits[7]);
	})();
	if (!ok) {
		throw validationError(`\nThe VAT number [${String(vals.vat)}] for partner [${String(vals.name ?? '')}] does not seem to be valid. \nNote: the expected format is 'CC##' (CC=Country Code, ##=VAT Number)`);
	}
}

/**
 * Odoo 18's account_edi_ubl_cii: a Finnish partner's Peppol scheme is 0213 (its VAT number) when it
 * has one, else 0216 (OVT), and its endpoint is then the VAT number (_compute_peppol_eas/_endpoint).
 */
function peppolFromVat(env: Env, rec: Rec): void {
	if (env.db.version < 18) return;
	const vat = typeof rec.vat === 'string' ? rec.vat : '';
	const country = (rec.country_code as string) || (/^[A-Z]{2}/.test(vat) ? vat.slice(0, 2) : '');
	if (country !== 'FI') return;
	const eas = rec.peppol_eas === '0213' || rec.peppol_eas === '0216' ? (rec.peppol_eas as string) : vat ? '0213' : '0216';
	env.db.updateRaw('res.partner', rec, { peppol_eas: eas, ...(eas === '0213' && vat ? { peppol_endpoint: vat } : {}) });
}

export function defineBase(db: Database): void {
	db.define({
		name: 'res.currency',
		description: 'Currency',
		order: 'active desc, name',
		fields: {
			name: { type: 'char', string: 'Currency', required: true },
			symbol: { type: 'char', string: 'Symbol', default: '' },
			rounding: { type: 'float', string: 'Rounding Factor', default: 0.01 },
			decimal_places: {
				type: 'integer',
				string: 'Decimal Places',
				compute: (_e, r) => Math.max(0, Math.round(-Math.log10((r.rounding as number) || 0.01))),
			},
			active: { type: 'boolean', string: 'Active', default: true },
		},
	});

	db.define({
		name: 'res.company',
		description: 'Companies',
		fields: {
			name: { type: 'char', string: 'Company Name', required: true },
			currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', required: true },
			partner_id: { type: 'many2one', string: 'Partner', relation: 'res.partner' },
			tax_calculation_rounding_method: {
				type: 'selection',
				string: 'Tax Calculation Rounding Method',
				selection: ['round_per_line', 'round_globally'],
				default: 'round_per_line',
			},
			account_sale_tax_id: { type: 'many2one', string: 'Default Sale Tax', relation: 'account.tax' },
			// Odoo's point_of_sale field: the POS receivable the close books each method's takings on (account 40 here, POS_RECEIVABLE_ACCOUNT).
			account_default_pos_receivable_account_id: { type: 'many2one', string: 'Default PoS Receivable Account', relation: 'account.account', compute: () => 40 },
			// Where payments wait for the bank statement (reconcilable): Outstanding Receipts / Payments.
			account_journal_payment_debit_account_id: { type: 'many2one', string: 'Journal Outstanding Receipts', relation: 'account.account' },
			account_journal_payment_credit_account_id: { type: 'many2one', string: 'Journal Outstanding Payments', relation: 'account.account' },
			country_code: { type: 'char', string: 'Country Code', default: 'US' },
		},
	});

	// Contact tags (base): the many2many a partner's Tags field edits.
	db.define({
		name: 'res.partner.category',
		description: 'Partner Tags',
		order: 'name, id',
		fields: {
			name: { type: 'char', string: 'Name', required: true },
			color: { type: 'integer', string: 'Color' },
			parent_id: { type: 'many2one', string: 'Parent Category', relation: 'res.partner.category' },
			active: { type: 'boolean', string: 'Active', default: true },
		},
	});

	db.define({
		name: 'res.partner',
		description: 'Contact',
		order: 'complete_name, id desc',
		displayName: (env, rec) => partnerDisplayName(env.db, rec),
		fields: {
			name: { type: 'char', string: 'Name' },
			complete_name: { type: 'char', string: 'Complete Name', compute: (env, rec) => partnerDisplayName(env.db, rec) },
			parent_id: { type: 'many2one', string: 'Related Company', relation: 'res.partner' },
			child_ids: { type: 'one2many', string: 'Contact', relation: 'res.partner', inverseName: 'parent_id' },
			commercial_partner_id: {
				type: 'many2one',
				string: 'Commercial Entity',
				relation: 'res.partner',
				compute: (env, rec) => commercialPartner(env.db, rec).id,
			},
			is_company: { type: 'boolean', string: 'Is a Company', default: false },
			category_id: { type: 'many2many', string: 'Tags', relation: 'res.partner.category' },
			email: { type: 'char', string: 'Email' },
			phone: { type: 'char', string: 'Phone' },
			street: { type: 'char', string: 'Street' },
			zip: { type: 'char', string: 'Zip' },
			city: { type: 'char', string: 'City' },
			country_code: { type: 'char', string: 'Country Code' },
			vat: { type: 'char', string: 'Tax ID' },
			company_registry: { type: 'char', string: 'Company ID' },
			// account_edi_ubl_cii (installed with Accounting): the customer's e-invoice address.
			peppol_eas: { type: 'selection', string: 'Peppol e-address (EAS)', selection: ['0007', '0088', '0184', '0192', '0208', '0213', '0216', '9930'] },
			peppol_endpoint: { type: 'char', string: 'Peppol Endpoint' },
			ref: { type: 'char', string: 'Reference' },
			// A selection of the installed languages in Odoo.
			lang: { type: 'selection', string: 'Language', selection: ['en_US', 'fi_FI', 'sv_SE', 'de_DE'], default: 'en_US' },
			customer_rank: { type: 'integer', string: 'Customer Rank', default: 0 },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
			active: { type: 'boolean', string: 'Active', default: true },
		},
		beforeCreate: (env, vals) => {
			if (!vals.name && !vals.parent_id) throw validationError('Contacts require a name');
			checkVat(env, vals);
		},
		beforeWrite: (env, recs, vals) => {
			for (const r of recs) if ('vat' in vals || 'country_code' in vals) checkVat(env, { ...r, ...vals });
		},
		afterCreate: (env, rec) => peppolFromVat(env, rec),
		afterWrite: (env, recs, vals) => {
			if ('vat' in vals || 'country_code' in vals) for (const r of recs) peppolFromVat(env, r);
		},
	});

	db.define({
		name: 'res.users',
		description: 'User',
		order: 'name, login',
		fields: {
			name: { type: 'char', string: 'Name', required: true },
			login: { type: 'char', string: 'Login', required: true },
			partner_id: { type: 'many2one', string: 'Related Partner', relation: 'res.partner' },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', default: company },
			company_ids: { type: 'many2many', string: 'Companies', relation: 'res.company', default: () => [company()] },
			active: { type: 'boolean', string: 'Active', default: true },
		},
	});

	db.define({
		name: 'res.bank',
		description: 'Bank',
		order: 'name, id',
		fields: {
			name: { type: 'char', string: 'Name', required: true },
			bic: { type: 'char', string: 'Bank Identifier Code' },
		},
	});

	db.define({
		name: 'res.partner.bank',
		description: 'Bank Accounts',
		order: 'sequence, id',
		fields: {
			acc_number: { type: 'char', string: 'Account Number', required: true },
			partner_id: { type: 'many2one', string: 'Account Holder', relation: 'res.partner', required: true },
			bank_id: { type: 'many2one', string: 'Bank', relation: 'res.bank' },
			sequence: { type: 'integer', string: 'Sequence', default: 10 },
			active: { type: 'boolean', string: 'Active', default: true },
		},
	});

	db.define({
		name: 'stock.warehouse',
		description: 'Warehouse',
		order: 'sequence, id',
		fields: {
			name: { type: 'char', string: 'Warehouse', required: true },
			code: { type: 'char', string: 'Short Name', required: true },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', required: true, default: company },
			sequence: { type: 'integer', string: 'Sequence', default: 10 },
			active: { type: 'boolean', string: 'Active', default: true },
		},
	});

	db.define({
		name: 'ir.model',
		description: 'Models',
		order: 'model',
		fields: {
			model: { type: 'char', string: 'Model', required: true },
			name: { type: 'char', string: 'Model Description', required: true },
			transient: { type: 'boolean', string: 'Transient Model', default: false },
		},
	});

	db.define({
		name: 'ir.model.data',
		description: 'Model Data',
		order: 'module, model, name, id',
		displayName: (_env, rec) => `${rec.module}.${rec.name}`,
		fields: {
			module: { type: 'char', string: 'Module', required: true, default: '' },
			name: { type: 'char', string: 'External Identifier', required: true },
			complete_name: { type: 'char', string: 'Complete ID', compute: (_e, r) => `${r.module}.${r.name}` },
			model: { type: 'char', string: 'Model Name', required: true },
			res_id: { type: 'integer', string: 'Record ID' },
			noupdate: { type: 'boolean', string: 'Non Updatable', default: false },
		},
		// The unique index on (module, name) is what makes external ids a lock against duplicates.
		beforeCreate: (env, vals) => {
			if (env.db.findUnique('ir.model.data', `${vals.module}.${vals.name}`)) throw duplicateXid(String(vals.module), String(vals.name));
		},
		beforeWrite: (env, recs, vals) => {
			if (!('module' in vals) && !('name' in vals)) return;
			for (const rec of recs) {
				const module = (vals.module ?? rec.module) as string;
				const name = (vals.name ?? rec.name) as string;
				const other = env.db.findUnique('ir.model.data', `${module}.${name}`);
				if (other && other.id !== rec.id) throw duplicateXid(module, name);
			}
		},
	});

	db.define({
		name: 'ir.config_parameter',
		description: 'System Parameter',
		order: 'key',
		recName: 'key',
		fields: {
			key: { type: 'char', string: 'Key', required: true },
			value: { type: 'text', string: 'Value', required: true },
		},
		beforeCreate: (env, vals) => {
			for (const p of env.db.table('ir.config_parameter').values()) {
				if (p.key === vals.key) throw validationError('Key must be unique.');
			}
		},
	});

	db.defineUnique('ir.model.data', (r) => `${r.module}.${r.name}`);

	db.define({
		name: 'product.category',
		description: 'Product Category',
		order: 'complete_name',
		displayName: (env, rec) => categoryPath(env.db, 'product.category', rec),
		fields: {
			name: { type: 'char', string: 'Name', required: true },
			parent_id: { type: 'many2one', string: 'Parent Category', relation: 'product.category' },
			complete_name: { type: 'char', string: 'Complete Name', compute: (env, rec) => categoryPath(env.db, 'product.category', rec) },
		},
	});

	db.define({
		name: 'product.pricelist',
		description: 'Pricelist',
		fields: {
			name: { type: 'char', string: 'Pricelist Name', required: true },
			currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', default: 1 },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
			active: { type: 'boolean', string: 'Active', default: true },
		},
	});

	db.define({
		name: 'pos.category',
		description: 'Point of Sale Category',
		order: 'sequence, id',
		displayName: (env, rec) => categoryPath(env.db, 'pos.category', rec),
		fields: {
			name: { type: 'char', string: 'Category Name', required: true },
			parent_id: { type: 'many2one', string: 'Parent Category', relation: 'pos.category' },
			// Odoo 17 names it child_id, 18 child_ids.
			child_id: { type: 'one2many', string: 'Children Categories', relation: 'pos.category', inverseName: 'parent_id', versions: [0, 17] },
			child_ids: { type: 'one2many', string: 'Children Categories', relation: 'pos.category', inverseName: 'parent_id', versions: [18, 99] },
			sequence: { type: 'integer', string: 'Sequence', default: 0 },
		},
		beforeWrite: (env, recs, vals) => {
			if (!vals.parent_id) return;
			for (const rec of recs) {
				let p: Rec | undefined = env.db.browse('pos.category', vals.parent_id as number);
				while (p) {
					if (p.id === rec.id) throw validationError('Error! You cannot create recursive categories.');
					p = p.parent_id ? env.db.browse('pos.category', p.parent_id as number) : undefined;
				}
			}
		},
	});

	db.define({
		name: 'product.template',
		description: 'Product',
		order: 'priority desc, name, id',
		fields: {
			name: { type: 'char', string: 'Name', required: true },
			list_price: { type: 'float', string: 'Sales Price', default: 1.0 },
			standard_price: { type: 'float', string: 'Cost', default: 0 },
			default_code: { type: 'char', string: 'Internal Reference' },
			barcode: { type: 'char', string: 'Barcode' },
			type: { type: 'selection', string: 'Type', selection: ['consu', 'service', 'product', 'combo'], default: 'consu' },
			categ_id: { type: 'many2one', string: 'Product Category', relation: 'product.category', required: true, default: 1 },
			taxes_id: {
				type: 'many2many',
				string: 'Customer Taxes',
				relation: 'account.tax',
				default: (env: Env) => {
					const c = mainCompany(env.db);
					return c?.account_sale_tax_id ? [c.account_sale_tax_id as number] : [];
				},
			},
			available_in_pos: { type: 'boolean', string: 'Available in POS', default: false },
			pos_categ_ids: { type: 'many2many', string: 'Point of Sale Category', relation: 'pos.category', versions: [17, 99] },
			pos_categ_id: { type: 'many2one', string: 'Point of Sale Category', relation: 'pos.category', versions: [0, 16] },
			sale_ok: { type: 'boolean', string: 'Can be Sold', default: true },
			description_sale: { type: 'text', string: 'Sales Description' },
			priority: { type: 'selection', string: 'Favorite', selection: ['0', '1'], default: '0', versions: [0, 17] },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company' },
			active: { type: 'boolean', string: 'Active', default: true },
		},
	});

	db.define({
		name: 'product.product',
		description: 'Product Variant',
		order: 'default_code, name, id',
		inherits: { model: 'product.template', field: 'product_tmpl_id' },
		displayName: (env, rec) => {
			const code = env.db.get(env, 'product.product', rec, 'default_code');
			const name = env.db.get(env, 'product.product', rec, 'name');
			return code ? `[${code}] ${name}` : String(name);
		},
		fields: {
			product_tmpl_id: { type: 'many2one', string: 'Product Template', relation: 'product.template', required: true, ondelete: 'cascade' },
			active: { type: 'boolean', string: 'Active', default: true },
		},
		// Archiving a variant archives its template too, as a single-variant product does in Odoo.
		afterWrite: (env, recs, vals) => {
			if (!('active' in vals)) return;
			const tmpls = [...new Set(recs.map((r) => r.product_tmpl_id as number))];
			env.db.write(env, 'product.template', tmpls, { active: vals.active });
		},
		beforeUnlink: (env, recs) => {
			for (const r of recs) {
				const tmpl = r.product_tmpl_id as number;
				const others = [...env.db.table('product.product').values()].filter((p) => p.product_tmpl_id === tmpl && p.id !== r.id);
				if (!others.length) env.db.deleteRaw('product.template', tmpl);
			}
		},
	});

	// Odoo 17 renamed mail.channel to discuss.channel.
	for (const [name, versions] of [
		['discuss.channel', [17, 99]],
		['mail.channel', [0, 16]],
	] as Array<[string, [number, number]]>) {
		db.define({
			name,
			description: 'Discussion Channel',
			versions,
			fields: {
				name: { type: 'char', string: 'Name', required: true },
				channel_type: { type: 'selection', string: 'Channel Type', selection: ['chat', 'channel', 'group'], default: 'channel' },
				description: { type: 'text', string: 'Description' },
				active: { type: 'boolean', string: 'Active', default: true },
			},
			methods: {
				message_post: {
					onRecords: true,
					params: ['body', 'message_type', 'subtype_xmlid', 'body_is_html', 'attachment_ids'],
					fn: (env, ids, p) => {
						const [id] = ids;
						env.db.mustBrowse(env, name, [id]);
						// Odoo links the attachments to the message (and to the thread when they were pending).
						const attachments = ((p.attachment_ids as number[] | undefined) ?? []).filter((a) => env.db.browse('ir.attachment', a));
						return env.db.create(env, 'mail.message', {
							model: name,
							res_id: id,
							attachment_ids: [[6, 0, attachments]],
							body: String(p.body ?? ''),
							message_type: (p.message_type as string) ?? 'comment',
							author_id: env.db.browse('res.users', env.uid)?.partner_id ?? false,
							date: env.db.now(),
						}).id;
					},
				},
			},
		});
	}

	db.define({
		name: 'mail.message',
		description: 'Message',
		order: 'id desc',
		fields: {
			model: { type: 'char', string: 'Related Document Model' },
			res_id: { type: 'integer', string: 'Related Document ID' },
			body: { type: 'html', string: 'Contents' },
			message_type: { type: 'selection', string: 'Type', selection: ['comment', 'notification', 'email'], default: 'comment' },
			author_id: { type: 'many2one', string: 'Author', relation: 'res.partner' },
			date: { type: 'datetime', string: 'Date' },
			attachment_ids: { type: 'many2many', string: 'Attachments', relation: 'ir.attachment' },
		},
	});

	db.define({
		name: 'ir.attachment',
		description: 'Attachment',
		order: 'id desc',
		fields: {
			name: { type: 'char', string: 'Name', required: true },
			type: { type: 'selection', string: 'Type', selection: ['url', 'binary'], default: 'binary' },
			// Base64, as Odoo's binary field takes it over RPC.
			datas: { type: 'text', string: 'File Content (base64)' },
			mimetype: { type: 'char', string: 'Mime Type' },
			res_model: { type: 'char', string: 'Resource Model' },
			res_id: { type: 'integer', string: 'Resource ID' },
		},
	});
}

function duplicateXid(module: string, name: string) {
	return validationError(
		'The operation cannot be completed: duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"\n' +
			`DETAIL:  Key (module, name)=(${module}, ${name}) already exists.\n`,
	);
}

function partnerDisplayName(db: Database, rec: Rec): string {
	const name = (rec.name as string) || '';
	if (rec.parent_id && !rec.is_company) {
		const parent = db.browse('res.partner', rec.parent_id as number);
		if (parent) return `${partnerDisplayName(db, parent)}, ${name}`;
	}
	return name;
}

function commercialPartner(db: Database, rec: Rec): Rec {
	let r = rec;
	while (!r.is_company && r.parent_id) {
		const p = db.browse('res.partner', r.parent_id as number);
		if (!p) break;
		r = p;
	}
	return r;
}

function categoryPath(db: Database, model: string, rec: Rec): string {
	const parent = rec.parent_id ? db.browse(model, rec.parent_id as number) : undefined;
	return parent ? `${categoryPath(db, model, parent)} / ${rec.name}` : String(rec.name);
}
