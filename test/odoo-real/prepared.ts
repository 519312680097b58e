/**
 * The set-up database of a version (modules installed, then the restaurant company set up through
 * the API), made once and kept as a dump in the cache: the real-Odoo run and the contract recorder
 * restore it in seconds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Rpc } from './rpc';
import { CACHE, MODULES, OdooServer, copyFilestore, dropDb, dump, freePort, initDb, restore, tree } from './server';
import { SETUP_VERSION, setUp } from './setup';

export type Phase = <T>(label: string, fn: () => Promise<T>) => Promise<T>;

/** The set-up database of a version, made once and kept as a dump. */
export async function preparedDump(version: string, phase: Phase): Promise<{ src: string; dumpFile: string; dataDir: string; templateDb: string }> {
	const { dir: src, key } = tree(version);
	const dataDir = path.join(CACHE, key, 'data');
	fs.mkdirSync(dataDir, { recursive: true });
	const templateDb = `n8n_tmpl_${key.replace(/[^a-z0-9]/gi, '_')}_s${SETUP_VERSION}`;
	const dumpFile = path.join(CACHE, key, `${templateDb}.dump`);
	if (fs.existsSync(dumpFile)) return { src, dumpFile, dataDir, templateDb };
	// The modules installed: kept too, so a change of the set-up does not redo the long part.
	const initDb_ = `n8n_init_${key.replace(/[^a-z0-9]/gi, '_')}_${createHash('sha1').update(MODULES.join(',')).digest('hex').slice(0, 8)}`;
	const initDump = path.join(CACHE, key, `${initDb_}.dump`);
	if (!fs.existsSync(initDump)) {
		await phase(`Odoo ${version}: create the database (once, then cached)`, async () => initDb(src, initDb_, dataDir, path.join(dataDir, 'init.log')));
		dump(initDb_, `${initDump}.part`);
		fs.renameSync(`${initDump}.part`, initDump);
		dropDb(initDb_);
	}
	restore(initDump, templateDb);
	copyFilestore(dataDir, initDb_, templateDb);
	const server = new OdooServer(src, { version, db: templateDb, port: await freePort(), dataDir });
	await server.start();
	try {
		await phase(`Odoo ${version}: set the restaurant company up through the API`, async () => setUp(new Rpc(server.url, templateDb), Number(version.split('.')[0]), '2025-12-15'));
	} finally {
		await server.stop();
	}
	dump(templateDb, `${dumpFile}.part`);
	fs.renameSync(`${dumpFile}.part`, dumpFile);
	return { src, dumpFile, dataDir, templateDb };
}

