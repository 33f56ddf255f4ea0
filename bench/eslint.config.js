// bench/ belongs to no workspace package, so `pnpm lint` (turbo) does not see it; `pnpm bench:check`
// lints it with the shared config. The bench prints through process.stdout, so no-console stays on.
import { base } from '../packages/config/eslint.config.js';

export default [...base, { ignores: ['results/**'] }];
