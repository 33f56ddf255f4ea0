/**
 * Detectors of personal data in free text, used to redact step traces before they are stored.
 * Each finds whole tokens only (a match may not continue a longer word or digit run), so a
 * value embedded in an order id or a longer number is left alone. Formats, on purpose narrow:
 * - email: local@domain.tld (RFC 5322 "dot-atom" local part, a dotted domain, 2+ letter TLD).
 * - card: 13–19 digits, ungrouped or grouped 4-4-4-4 / 4-6-5 by spaces or dashes, first digit 2–6 (the
 *   issuer ranges of Visa, Mastercard, Amex, Discover, JCB, UnionPay) and a valid Luhn check digit.
 * - national_id: US Social Security number written NNN-NN-NNNN (not 000/666/9xx area, not
 *   00 group, not 0000 serial); UK National Insurance number "AB123456C" or "AB 12 34 56 C"
 *   (upper case, the prefixes HMRC never issues excluded).
 * - phone: international "+<country code> …" with 8–15 digits in all; North American
 *   "(555) 123-4567", "555-123-4567", "555.123.4567"; UK national "07xxx xxxxxx" / "01xxx xxxxxx"
 *   / "020 xxxx xxxx". Bare digit runs are not phones (too many order numbers look like one).
 */
export const PII_DETECTORS = ['email', 'card', 'national_id', 'phone'] as const;
export type PiiDetector = (typeof PII_DETECTORS)[number];

const EMAIL = /(?<![\w.!#$%&'*+/=?^`{|}~-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![\w-])/g;
/**
 * Candidates: 13–19 ungrouped digits, four groups of four (one separator kind throughout), or
 * Amex/Diners 4-6-5 / 4-6-4; the issuer range and Luhn check are applied to each match.
 */
const CARD = /(?<![\w+-])(?:[2-6]\d{12,18}|[2-6]\d{3}([ -])\d{4}\1\d{4}\1\d{4}|3\d{3}([ -])\d{6}\2\d{4,5})(?![\w-])/g;
const US_SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g;
const UK_NINO = /(?<![\w-])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w-])/g;
const PHONE_INTERNATIONAL = /(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,5}(?![\w-])/g;
const PHONE_NORTH_AMERICA = /(?<![\w-])(?:\(\d{3}\) ?|\d{3}([-.]))\d{3}[-.]\d{4}(?![\w-])/g;
const PHONE_UK = /(?<![\w+-])0(?:20 ?\d{4} ?\d{4}|[1-9]\d{3} ?\d{6})(?![\w-])/g;

const digitsOf = (s: string) => s.replace(/\D/g, '');

/** The Luhn (mod 10) check every payment card number satisfies. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function isCardNumber(candidate: string): boolean {
  const digits = digitsOf(candidate);
  return digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && luhnValid(digits);
}

interface Pattern {
  regex: RegExp;
  accept?: (match: string, groups: string[]) => boolean;
}

const PATTERNS: Record<PiiDetector, Pattern[]> = {
  email: [{ regex: EMAIL }],
  card: [{ regex: CARD, accept: (m) => isCardNumber(m) }],
  national_id: [{ regex: US_SSN }, { regex: UK_NINO }],
  phone: [
    { regex: PHONE_INTERNATIONAL, accept: (m) => digitsOf(m).length >= 8 && digitsOf(m).length <= 15 },
    // "555-123.4567" mixes separators: not a phone number as people write one.
    { regex: PHONE_NORTH_AMERICA, accept: (m, g) => g[0] === undefined || m.endsWith(`${g[0]}${m.slice(-4)}`) },
    { regex: PHONE_UK },
  ],
};

export const redactionMarker = (what: PiiDetector | 'path'): string => `[REDACTED:${what}]`;

/**
 * Replaces every detected value in `text` with its marker. Detectors run in PII_DETECTORS
 * order on the text the previous one left (markers hold no digits or @, so nothing is found
 * twice). Pure: the same text and detectors always give the same result and counts.
 */
export function redactText(text: string, detectors: readonly PiiDetector[]): { text: string; found: Partial<Record<PiiDetector, number>> } {
  const found: Partial<Record<PiiDetector, number>> = {};
  let out = text;
  for (const detector of PII_DETECTORS) {
    if (!detectors.includes(detector)) continue;
    for (const { regex, accept } of PATTERNS[detector]) {
      out = out.replace(regex, (match: string, ...rest: unknown[]) => {
        const groups = rest.slice(0, -2).map((g) => g as string);
        if (accept && !accept(match, groups)) return match;
        found[detector] = (found[detector] ?? 0) + 1;
        return redactionMarker(detector);
      });
    }
  }
  return { text: out, found };
}
