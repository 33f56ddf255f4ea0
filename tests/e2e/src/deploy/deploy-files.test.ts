import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// The apps' own environment schemas and topic names, from their builds.
import { apiEnvSchema, loadApiEnv } from '../../../../apps/api/dist/env.js';
import { cliEnvSchema, loadCliEnv } from '../../../../apps/cli/dist/cli-env.js';
import { loadRunnerEnv, runnerEnvSchema } from '../../../../apps/runner/dist/env.js';
import { DEAD_LETTER_TOPIC } from '../../../../apps/runner/dist/runner.js';
import { STEP_DISPATCH_TOPIC } from '../../../../packages/domain/dist/index.js';
import { commandOf, DEPLOY_DIR as DEPLOY, interpolate, loadCompose } from '../harness/compose.js';
import { ROOT } from '../harness/platform.js';

/*
 * Docker does not run here, so deploy/ is kept correct by construction: the compose file is
 * checked against the apps' zod environment schemas and against itself (ports, dependencies,
 * topics, the proxy), and the Dockerfile against the build (every file a command names exists;
 * every package an entry point reaches is a production dependency of whoever imports it).
 */
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const compose = loadCompose();
const { services, text: composeText, dotenv: envExample, usedVars } = compose;
const env = compose.env;
const apis = compose.gatehouse('api');
const runners = compose.gatehouse('runner');
const [migrate] = compose.gatehouse('migrate');

function unknownVariables(name: string, shape: Record<string, unknown>): string[] {
  return Object.keys(env(name)).filter((k) => !(k in shape));
}

describe('deploy/docker-compose.yml', () => {
  it('runs two API replicas, two runners and one migration job from the one image', () => {
    expect(apis).toHaveLength(2);
    expect(runners).toHaveLength(2);
    expect(migrate).toBeDefined();
    for (const name of [...apis, ...runners, migrate!]) {
      expect(services[name]!.build, name).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile', target: 'runtime' });
      expect(env(name).NODE_ENV, name).toBe('production');
    }
  });

  it('gives every API replica an environment the API accepts: known variables, production-safe values', () => {
    for (const name of apis) {
      expect(unknownVariables(name, apiEnvSchema.shape), name).toEqual([]);
      const parsed = loadApiEnv(env(name));
      expect(parsed.DATABASE_URL, `${name}: no embedded PostgreSQL in a deployment`).toBeDefined();
      // The owner's password stays with the migration job.
      expect(parsed.DATABASE_MIGRATION_URL, name).toBeUndefined();
      expect(parsed).toMatchObject({ SEED_DEV_PRINCIPALS: false, SEED_DEMO_DATA: false, API_HOST: '0.0.0.0', API_RATE_LIMIT_STORE: 'postgres', API_TRUST_PROXY_HOPS: 1 });
      expect(parsed.METRICS_TOKEN, `${name}: /metrics is closed in production without a token`).toBeDefined();
    }
  });

  it('gives every runner an environment the runner accepts, on Kafka', () => {
    for (const name of runners) {
      expect(unknownVariables(name, runnerEnvSchema.shape), name).toEqual([]);
      const parsed = loadRunnerEnv(env(name));
      expect(parsed.transport, name).toBe('kafka');
      expect(parsed.RUNNER_METRICS_HOST, `${name}: reachable for scrapes and the healthcheck`).toBe('0.0.0.0');
      expect(parsed.ACTION_WEBHOOK_SECRET, name).toBeDefined();
    }
  });

  it('gives the migration job the owner and the application login, and nothing else', () => {
    // The job is `gatehouse migrate` (entrypoint.sh): the CLI's environment.
    expect(unknownVariables(migrate!, cliEnvSchema.shape)).toEqual([]);
    const parsed = loadCliEnv(env(migrate!));
    expect(parsed.NODE_ENV).toBe('production');
    expect(parsed.DATABASE_URL).toBeDefined();
    const pg = env('postgres');
    const owner = new URL(parsed.DATABASE_MIGRATION_URL!);
    expect([owner.username, owner.password]).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
  });

  it('points every process at the same database, as a login that is not the owner', () => {
    const pg = env('postgres');
    const urls = [...apis, ...runners, migrate!].map((n) => env(n).DATABASE_URL!);
    expect(new Set(urls).size).toBe(1);
    const url = new URL(urls[0]!);
    expect({ host: url.hostname, port: url.port, db: url.pathname }).toEqual({ host: 'postgres', port: '5432', db: `/${pg.POSTGRES_DB}` });
    expect(url.username).not.toBe(pg.POSTGRES_USER);
    expect(url.password).not.toBe(pg.POSTGRES_PASSWORD);
    expect(new URL(env(migrate!).DATABASE_MIGRATION_URL!).host).toBe(url.host);
  });

  it('points the runners at the broker Kafka advertises, and keeps them in one consumer group', () => {
    const kafka = env('kafka');
    const advertised = /PLAINTEXT:\/\/([^,]+)/.exec(kafka.KAFKA_ADVERTISED_LISTENERS!)![1];
    for (const name of runners) expect(env(name).KAFKA_BROKERS, name).toBe(advertised);
    expect(advertised!.split(':')[0]).toBe('kafka');
    expect(new Set(runners.map((n) => loadRunnerEnv(env(n)).KAFKA_GROUP_ID)).size).toBe(1);
    expect(kafka.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(kafka.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('creates the step-dispatch and dead-letter topics with the partition counts docs/deployment.md documents', () => {
    const script = String((services['kafka-topics']!.command as string[]).join(' '));
    const created = Object.fromEntries([...script.matchAll(/--topic (\S+) --partitions (\d+)/g)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(created).sort()).toEqual([STEP_DISPATCH_TOPIC, DEAD_LETTER_TOPIC].sort());
    const documented = Object.fromEntries([...read('docs/deployment.md').matchAll(/^\| `([\w.-]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]));
    expect(documented).toEqual(created);
    // More partitions than runners, so a third and fourth runner have work to take over.
    expect(created[STEP_DISPATCH_TOPIC]).toBeGreaterThan(runners.length);
  });

  it('orders start-up: migrations and topics first, then APIs and runners, then the proxy', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dep], `${name} depends on unknown ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(services[dep]!.healthcheck, `${name} waits for ${dep}'s health`).toBeDefined();
      }
    }
    const completed = (name: string) => Object.entries(services[name]!.depends_on ?? {}).filter(([, d]) => d.condition === 'service_completed_successfully').map(([n]) => n);
    for (const name of apis) expect(completed(name), name).toEqual([migrate]);
    for (const name of runners) expect(completed(name).sort(), name).toEqual(['kafka-topics', migrate].sort());
    expect(services[migrate!]!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services['kafka-topics']!.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    expect(Object.keys(services.console!.depends_on ?? {}).sort()).toEqual([...apis].sort());
    for (const oneShot of [migrate!, 'kafka-topics']) expect(services[oneShot]!.restart, oneShot).toBe('no');
  });

  it('checks health where each process answers: /readyz on API_PORT, /metrics on RUNNER_METRICS_PORT', () => {
    const urlOf = (name: string) => new URL(services[name]!.healthcheck!.test.at(-1)!);
    for (const name of apis) {
      expect(services[name]!.healthcheck!.test.slice(0, 3)).toEqual(['CMD', 'node', '/app/healthcheck.mjs']);
      expect(urlOf(name).port).toBe(env(name).API_PORT);
      expect(['/readyz', '/healthz']).toContain(urlOf(name).pathname);
    }
    for (const name of runners) {
      expect(urlOf(name).port).toBe(env(name).RUNNER_METRICS_PORT);
      expect(urlOf(name).pathname).toBe('/metrics');
    }
  });

  it('balances the proxy over every API replica on its port, and proxies the paths the console calls', () => {
    const nginx = readFileSync(path.join(DEPLOY, 'nginx.conf'), 'utf8');
    const upstream = [...nginx.matchAll(/^\s*server ([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstream.sort()).toEqual(apis.map((n) => `${n}:${env(n).API_PORT}`).sort());
    // The console's dev server proxies exactly these to the API (apps/console/vite.config.ts).
    const vite = read('apps/console/vite.config.ts');
    const vitePaths = JSON.parse(`[${/\[('\/graphql'.*?)\]\.map\(/.exec(vite)![1]!.replace(/'/g, '"')}]`) as string[];
    const nginxPaths = [...nginx.matchAll(/location (?:= |~ )?(\S+) \{ proxy_pass http:\/\/gatehouse_api; \}/g)].map((m) => m[1]!.replace(/\/$/, ''));
    expect(nginxPaths.sort()).toEqual(vitePaths.sort());
    expect(services.console!.ports).toEqual(['${GATEHOUSE_HTTP_PORT:-8080}:8080']);
    expect(nginx).toMatch(/listen 8080;/);
  });

  it('takes every secret from deploy/.env, and .env.example names exactly what the file uses', () => {
    for (const name of Object.keys(services)) env(name);
    for (const port of services.console!.ports ?? []) interpolate(port, envExample, usedVars);
    expect([...envExample.keys()].sort()).toEqual([...usedVars].sort());
    // No literal secret in the compose file: passwords and keys are interpolated.
    expect(composeText).not.toMatch(/PASSWORD: (?!\$\{)/);
    expect(composeText).not.toMatch(/(SECRET|TOKEN): (?!\$\{)/);
    for (const [k, v] of envExample) if (/PASSWORD|SECRET|TOKEN/.test(k)) expect(v, k).toMatch(/^change-me-/);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');
  const entrypoint = readFileSync(path.join(DEPLOY, 'entrypoint.sh'), 'utf8');
  /** `pnpm --filter=@gatehouse/x deploy … /out/x` and `COPY --from=build /out/x /app/x`: image path → workspace package dir. */
  const deployed = new Map<string, string>();
  for (const m of dockerfile.matchAll(/--filter=(@gatehouse\/[\w-]+) deploy [^/]*(\/out\/\w+)/g)) {
    const copy = new RegExp(`COPY --from=build ${m[2]} (\\S+)`).exec(dockerfile);
    deployed.set(copy![1]!, workspaceDir(m[1]!));
  }

  it('runs the commands the compose file uses, each naming a file the build produces', () => {
    const arms: Record<string, string> = Object.fromEntries([...entrypoint.matchAll(/^\s*(\w+)\) exec node (\S+)/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(arms).sort()).toEqual(['api', 'gatehouse', 'migrate', 'runner']);
    expect(entrypoint).toMatch(/migrate\) exec node \/app\/cli\/dist\/gatehouse\.js migrate "\$@"/);
    for (const name of Object.keys(services).filter((n) => services[n]!.build?.target === 'runtime')) expect(Object.keys(arms)).toContain(commandOf(services[name]!));
    for (const [command, file] of Object.entries(arms)) {
      const [prefix, dir] = [...deployed].find(([p]) => file.startsWith(`${p}/`))!;
      expect(existsSync(path.join(dir, file.slice(prefix.length + 1))), `${command}: ${file}`).toBe(true);
    }
    expect(dockerfile).toMatch(/ENTRYPOINT \["\/app\/entrypoint.sh"\]/);
    expect(dockerfile).toMatch(/COPY deploy\/entrypoint.sh \/app\/entrypoint.sh/);
  });

  it('builds what it deploys, copies only files that exist, and runs as a non-root user', () => {
    const built = [...dockerfile.matchAll(/--filter=(@gatehouse\/[\w-]+)(?= |$)/gm)].map((m) => m[1]);
    for (const pkg of new Set(built)) expect(existsSync(workspaceDir(pkg!)), pkg).toBe(true);
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(\S+(?: \S+)*) \S+$/gm)) {
      for (const source of m[1]!.split(' ')) if (source !== '.') expect(existsSync(path.join(ROOT, source)), source).toBe(true);
    }
    // The console target serves the Vite build.
    expect(dockerfile).toMatch(/COPY --from=build \/src\/apps\/console\/dist \/usr\/share\/nginx\/html/);
    expect(existsSync(path.join(ROOT, 'apps/console/dist/index.html'))).toBe(true);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile/);
    const pnpmVersion = (JSON.parse(read('package.json')) as { packageManager: string }).packageManager.replace(/^pnpm@/, '').split('+')[0];
    expect(dockerfile).toContain(`npm install -g pnpm@${pnpmVersion}`);
    const ignored = readFileSync(path.join(DEPLOY, 'Dockerfile.dockerignore'), 'utf8');
    for (const pattern of ['**/node_modules', '**/dist', '.env', 'deploy/.env']) expect(ignored.split('\n')).toContain(pattern);
  });

  it('deploys every package the entry points import as a production dependency of its importer', () => {
    const missing: string[] = [];
    const entries = [...deployed].flatMap(([prefix, dir]) =>
      [...entrypoint.matchAll(/exec node (\S+)/g)].map((m) => m[1]!).filter((f) => f.startsWith(`${prefix}/`)).map((f) => path.join(dir, f.slice(prefix.length + 1))),
    );
    const seen = new Set<string>();
    const queue = [...entries];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const owner = owningPackage(file);
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier));
        else if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        else {
          const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
          if (!(name in (owner.manifest.dependencies ?? {}))) missing.push(`${owner.manifest.name} imports ${name} (${path.relative(ROOT, file)}) but does not list it in dependencies`);
          if (name.startsWith('@gatehouse/')) queue.push(resolveWorkspaceExport(specifier));
        }
      }
    }
    expect(missing).toEqual([]);
    // The walk reached the apps and the workspace packages they use.
    expect([...seen].some((f) => f.includes('packages/db/dist'))).toBe(true);
  });
});

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  exports?: Record<string, string | { default: string }>;
}

function workspacePackages(): Array<{ dir: string; manifest: Manifest }> {
  return ['apps', 'packages'].flatMap((group) =>
    readdirSync(path.join(ROOT, group))
      .map((d) => path.join(ROOT, group, d))
      .filter((dir) => existsSync(path.join(dir, 'package.json')))
      .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest })),
  );
}

function workspaceDir(name: string): string {
  const found = workspacePackages().find((p) => p.manifest.name === name);
  if (!found) throw new Error(`no workspace package ${name}`);
  return found.dir;
}

function owningPackage(file: string): { dir: string; manifest: Manifest } {
  return workspacePackages().find((p) => file.startsWith(`${p.dir}${path.sep}`))!;
}

function resolveWorkspaceExport(specifier: string): string {
  const name = specifier.split('/').slice(0, 2).join('/');
  const sub = `.${specifier.slice(name.length)}`;
  const dir = workspaceDir(name);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
  const target = manifest.exports?.[sub === '.' ? '.' : sub];
  return path.join(dir, typeof target === 'string' ? target : target!.default);
}

/** Static and dynamic import specifiers of compiled ES modules (string literals only). */
function importsOf(source: string): string[] {
  const specifiers = new Set<string>();
  for (const m of source.matchAll(/^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]/gm)) specifiers.add(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.add(m[1]!);
  return [...specifiers];
}
