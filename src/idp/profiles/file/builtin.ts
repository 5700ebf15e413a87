/**
 * The built-in profiles as files (profiles/ at the package root, shipped): each sends the same requests as its
 * code form (test/idp/profile-file-roundtrip.test.ts), so they are templates to copy for an unlisted IdP.
 */
import { fileURLToPath } from 'node:url';

export const BUILTIN_PROFILE_DIR = fileURLToPath(new URL('../../../../profiles', import.meta.url));
