import { describe, expect, it } from 'vitest';
import { cli } from './test/run-cli.js';

describe('gatehouse --help', () => {
  it('lists every command with the exit codes', async () => {
    const result = await cli(['--help'], {});
    expect(result.code).toBe(0);
    for (const command of ['migrate', 'audit verify', 'audit export', 'dead-letters list', 'dead-letters replay', 'workflow export', 'workflow import']) {
      expect(result.stdout).toContain(`  ${command} `);
    }
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 a check or change failed, 2 bad usage or environment.');
  });

  it.each([['audit', 'verify'], ['dead-letters', 'replay'], ['workflow', 'import']])('%s %s --help', async (group, command) => {
    const result = await cli([group, command, '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^usage: gatehouse ${group} ${command} `));
    expect(result.stdout).toContain('Exit codes:');
  });

  it('a group alone prints its commands and exits 2', async () => {
    const result = await cli(['dead-letters'], {});
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('usage: gatehouse dead-letters list');
    expect(result.stdout).toContain('usage: gatehouse dead-letters replay');
  });

  it('an unknown command is a usage error', async () => {
    const result = await cli(['frobnicate'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gatehouse: error [BAD_ARGUMENT]: unknown command "frobnicate"');
  });
});
