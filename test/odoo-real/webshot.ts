/**
 * A screenshot of a Discuss channel in the real Odoo web client (headless Chromium through
 * playwright-core): logs in as the harness's admin, opens the channel and waits for its messages.
 * Odoo compiles its assets on the first page (python3-libsass), which takes a while on CI's cores.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

export async function discussScreenshot(o: { url: string; db: string; major: number; channelId: number; out: string }): Promise<{ ok: boolean; detail: string }> {
	// playwright-core makes (and removes) a new empty profile for the browser.
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
		// Without these Chromium reaches for Google's hosts, which this machine's network refuses.
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
		page.setDefaultTimeout(180_000);
		await page.goto(`${o.url}/web/login?db=${encodeURIComponent(o.db)}`);
		await page.fill('input[name="login"]', 'admin');
		await page.fill('input[name="password"]', 'admin');
		await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/web/login')), page.click('button[type="submit"]')]);
		// Discuss with the channel open: /odoo/discuss from 18 on, the action in the hash before.
		const target = o.major >= 18 ? `${o.url}/odoo/discuss?active_id=discuss.channel_${o.channelId}` : `${o.url}/web#action=mail.action_discuss&active_id=discuss.channel_${o.channelId}`;
		await page.goto(target);
		try {
			await page.waitForSelector('.o-mail-Message', { state: 'visible' });
		} catch (e) {
			// What the page showed instead, beside the screenshot asked for.
			const failed = o.out.replace(/\.png$/, '.failed.png');
			await page.screenshot({ path: failed }).catch(() => undefined);
			throw new Error(`${(e as Error).message.split('\n')[0]} at ${page.url()} (page: ${failed})`);
		}
		// The chart's image and the table settle after the message list.
		await page.waitForTimeout(2000);
		const text = await page.locator('.o-mail-Message').last().innerText();
		fs.mkdirSync(path.dirname(o.out), { recursive: true });
		await page.screenshot({ path: o.out });
		return { ok: /Daily close/.test(text), detail: `${o.out}: the last message starts "${text.slice(0, 80).replace(/\s+/g, ' ')}"` };
	} finally {
		await browser.close();
	}
}
