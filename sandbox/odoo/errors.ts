/** Odoo exceptions, named as the server names them in `error.data.name`. */
export class OdooError extends Error {
	constructor(
		readonly odooName: string,
		message: string,
	) {
		super(message);
	}
}

export const userError = (m: string) => new OdooError('odoo.exceptions.UserError', m);
export const validationError = (m: string) => new OdooError('odoo.exceptions.ValidationError', m);
export const accessError = (m: string) => new OdooError('odoo.exceptions.AccessError', m);
export const accessDenied = () => new OdooError('odoo.exceptions.AccessDenied', 'Access Denied');
export const valueError = (m: string) => new OdooError('builtins.ValueError', m);
export const typeError = (m: string) => new OdooError('builtins.TypeError', m);
export const attributeError = (m: string) => new OdooError('builtins.AttributeError', m);
export const missingError = (model: string, ids: number[], uid: number) =>
	new OdooError(
		'odoo.exceptions.MissingError',
		`Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')},), User: ${uid})`,
	);

export function mandatoryFieldError(modelDescription: string, model: string, fieldString: string, field: string): OdooError {
	return validationError(
		'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n' +
			'- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
			`Model: ${modelDescription} (${model})\nField: ${fieldString} (${field})\n`,
	);
}

/**
 * The error data Odoo answers (in JSON-RPC's envelope with HTTP 200, or as JSON-2's body). An HTTP
 * exception of werkzeug (JSON-2's 401 and 404) carries its status as a second argument.
 */
export function rpcErrorData(e: OdooError, status?: number): Record<string, unknown> {
	const last = e.odooName.split('.').pop() ?? e.odooName;
	return {
		name: e.odooName,
		debug: `Traceback (most recent call last):\n...\n${last}: ${e.message}`,
		message: e.message,
		arguments: e.odooName.startsWith('werkzeug.exceptions.') && status ? [e.message, status] : [e.message],
		context: {},
	};
}
