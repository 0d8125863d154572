import { WORKSPACE_ROOT } from '@parley/testing';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the built operator tools (dist/apps/api/tools: db-copy, db-backup, keys-rotate) as an operator
 * would after `npm run build`, on SQLite unless `env` says otherwise.
 */
export function runTool(tool: 'db-copy' | 'db-backup' | 'keys-rotate', args: string[], env: Record<string, string> = {}): Promise<ToolRun> {
  const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'dist', 'apps', 'api', 'tools', `${tool}.js`), ...args], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
