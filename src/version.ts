import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The package version, read once from package.json (reported in report.json and User-Agent). */
export const version: string = (require('../package.json') as { version: string }).version;
