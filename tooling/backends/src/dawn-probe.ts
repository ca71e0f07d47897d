import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Debian/Ubuntu's Chromium ships SwiftShader's Vulkan driver here: WebGPU without a GPU. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface DawnProbe {
  /** Dawn found an adapter. */
  adapter: boolean;
  /** The Vulkan driver file to use (VK_ICD_FILENAMES), when only SwiftShader gave an adapter. */
  icd: string | null;
}

/**
 * Asks Dawn for an adapter in a child process. On a machine without a Vulkan driver, Dawn's
 * first instance makes the Vulkan loader print "vkCreateInstance: Found no drivers!" from
 * native code, straight to the process's stderr; in the child that text is captured and
 * dropped, and this process then creates its own instance only where an adapter exists — with
 * SwiftShader's driver named up front when that is the one that worked — so nothing is printed.
 */
const CHILD = `
import { existsSync } from 'node:fs';
const dawn = await import(process.argv[1]);
const icd = process.argv[2];
if (process.platform === 'linux') process.env.XDG_RUNTIME_DIR ??= '/tmp';
let adapter = await dawn.create([]).requestAdapter();
let used = null;
const userChose = process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES;
if (!adapter && process.platform === 'linux' && !userChose && existsSync(icd)) {
  process.env.VK_ICD_FILENAMES = icd;
  adapter = await dawn.create([]).requestAdapter();
  if (adapter) used = icd;
}
process.stdout.write('\\n' + JSON.stringify({ adapter: adapter != null, icd: used }) + '\\n');
process.exit(0);
`;

let cached: Promise<DawnProbe | null> | undefined;

/**
 * The child-process probe, once per process. `null` when it could not run (the `webgpu`
 * package cannot be resolved from here, or the child crashed): callers then probe in-process.
 */
export function probeDawnQuietly(): Promise<DawnProbe | null> {
  cached ??= new Promise((resolve) => {
    let entry: string;
    try {
      entry = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
    } catch {
      resolve(null);
      return;
    }
    const args = ['--input-type=module', '-e', CHILD, '--', entry, existsSync(SWIFTSHADER_ICD) ? SWIFTSHADER_ICD : ''];
    execFile(process.execPath, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(err ? null : (JSON.parse(last) as DawnProbe));
      } catch {
        resolve(null);
      }
    });
  });
  return cached;
}
