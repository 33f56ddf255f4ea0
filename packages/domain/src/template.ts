import type { JsonValue } from './json-schema.js';

export interface RenderedTemplate {
  text: string;
  /** Placeholders whose value was absent (or null / empty string): the step lacks data. */
  missing: string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/g;

/**
 * Fills `{{name}}` and `{{input.field.sub}}` placeholders from `scope`. Objects and arrays are
 * rendered as JSON. Missing values render as empty text and are reported, so a prompt or draft
 * is never silently built from absent data.
 */
export function renderTemplate(template: string, scope: Record<string, JsonValue | undefined>): RenderedTemplate {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (_match, path: string) => {
    // Own properties only: "constructor" or "__proto__" are not data the input carries.
    const own = (obj: object, key: string) => (Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, JsonValue | undefined>)[key] : undefined);
    const [first, ...rest] = path.split('.');
    let value: JsonValue | undefined = own(scope, first!);
    for (const key of rest) {
      value = value !== null && typeof value === 'object' && !Array.isArray(value) ? own(value, key) : undefined;
    }
    if (value === undefined || value === null || value === '') {
      if (!missing.includes(path)) missing.push(path);
      return '';
    }
    return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
  return { text, missing };
}


/** The dotted paths a template's `{{…}}` placeholders name, once each, in order of appearance. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}
