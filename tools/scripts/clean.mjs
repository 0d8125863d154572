// Removes build output folders (cross-platform `rm -rf`), so a build never serves stale files.
import { rmSync } from 'node:fs';

for (const dir of process.argv.slice(2)) rmSync(dir, { recursive: true, force: true });
