/**
 * `npm run build` (and `prepack`): the package's dist/. tsc compiles src/ (tsconfig.build.json), then the files
 * the compiled modules read beside themselves at run time (the HTML report's and the live console's CSS and
 * browser JS, read through `new URL('./x', import.meta.url)`) are copied next to them. specs/ and scenarios/ ship
 * at the package root, where the same relative paths find them from dist/ as from src/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

/** Files under src/ that tsc does not emit and the modules read at run time: everything but TypeScript. */
function runtimeAssets(): string[] {
  return readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.ts'))
    .map((e) => relative(src, join(e.parentPath, e.name)));
}

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
const assets = runtimeAssets();
for (const rel of assets) cpSync(join(src, rel), join(dist, rel));
console.log(`dist/: compiled src/ and copied ${assets.length} run-time files (${assets.join(', ')})`);
