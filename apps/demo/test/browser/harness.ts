// Builds the demo, serves it on 127.0.0.1, and starts Debian's Chromium with
// WebGPU on SwiftShader's Vulkan (no GPU needed) through playwright-core.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { build } from 'vite';

export const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = join(APP_DIR, 'test-results');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * What makes WebGPU work headless on a machine without a GPU: Chromium's
 * bundled SwiftShader Vulkan ICD gives Dawn an adapter. Only
 * `--enable-unsafe-webgpu` plus these two environment variables are needed
 * (checked on Chromium 156: adding --use-vulkan=swiftshader,
 * --enable-features=Vulkan or --use-angle=swiftshader changes nothing). The
 * page must be a secure context (http://127.0.0.1 is one; about:blank has no
 * navigator.gpu).
 */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
export const CHROMIUM_ENV = {
  VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json',
  XDG_RUNTIME_DIR: process.env['XDG_RUNTIME_DIR'] ?? '/tmp',
};

export const inCI = /^(1|true)$/i.test(process.env['CI'] ?? '');

/** Why the browser tests cannot run here, or null when they can. */
export function missingChromium(): string | null {
  return existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/** `vite build` of the app into a fresh temporary folder. */
export async function buildApp(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'attention-zoo-demo-'));
  await build({ root: APP_DIR, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return outDir;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static file server for `root` on an ephemeral loopback port (404 for anything missing). */
export async function serve(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const base = resolve(root);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

export async function launch(options: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = options.webgpu === false ? CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu').concat('--disable-features=WebGPU') : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args, env: { ...process.env, ...CHROMIUM_ENV } });
}

/** Console errors and uncaught page errors, collected for the "no console errors" checks. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Whether the app ships a trained classifier (listed in apps/demo/public/models/index.json). */
export function shippedModel(): boolean {
  const index = join(APP_DIR, 'public', 'models', 'index.json');
  if (!existsSync(index)) return false;
  const { models } = JSON.parse(readFileSync(index, 'utf8')) as { models?: unknown[] };
  return Array.isArray(models) && models.length > 0;
}
