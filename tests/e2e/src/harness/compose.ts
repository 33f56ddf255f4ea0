import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './platform.js';

/*
 * deploy/docker-compose.yml as data: each service's environment after compose's interpolation
 * with deploy/.env.example standing in for the operator's .env. The deploy-files test checks it;
 * the scale-out test starts the same processes with it.
 */
export const DEPLOY_DIR = path.join(ROOT, 'deploy');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target: string };
  command?: string[] | string;
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  restart?: string;
}

/** deploy/.env.example as the operator's .env: every value the compose file interpolates. */
export function readDotenv(file: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) vars.set(m[1]!, m[2]!);
  }
  return vars;
}

/** Compose's interpolation (${VAR}, ${VAR:-default}, ${VAR:?error}); records each name it used. */
export function interpolate(value: string, vars: Map<string, string>, used?: Set<string>): string {
  return value.replace(/\$\{([A-Z][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g, (_all, name: string, op?: string, arg?: string) => {
    used?.add(name);
    const v = vars.get(name);
    if (v !== undefined && v !== '') return v;
    if (op === ':-') return arg ?? '';
    throw new Error(`\${${name}} is not set in deploy/.env.example`);
  });
}

export interface Compose {
  text: string;
  services: Record<string, ComposeService>;
  dotenv: Map<string, string>;
  /** Names of .env variables interpolated so far (by env()). */
  usedVars: Set<string>;
  /** A service's environment, interpolated. */
  env(service: string): Record<string, string>;
  /** The Gatehouse image's services running `command` (api, runner, migrate). */
  gatehouse(command: string): string[];
}

export function commandOf(service: ComposeService): string {
  return Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');
}

export function loadCompose(): Compose {
  const text = readFileSync(path.join(DEPLOY_DIR, 'docker-compose.yml'), 'utf8');
  const services = (parse(text, { merge: true }) as { services: Record<string, ComposeService> }).services;
  const dotenv = readDotenv(path.join(DEPLOY_DIR, '.env.example'));
  const usedVars = new Set<string>();
  return {
    text,
    services,
    dotenv,
    usedVars,
    env: (name) => Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), dotenv, usedVars)])),
    gatehouse: (command) => Object.keys(services).filter((n) => services[n]!.build?.target === 'runtime' && commandOf(services[n]!) === command),
  };
}
