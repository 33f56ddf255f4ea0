import { useId } from 'react';
import { prettyJson } from '../lib/format.js';

export interface JsonBlockProps {
  readonly label: string;
  readonly value: unknown;
}

/**
 * A labelled JSON value. Long lines wrap instead of scrolling, so the block never becomes a
 * scroll region a keyboard user cannot reach.
 */
export function JsonBlock({ label, value }: JsonBlockProps) {
  const labelId = useId();
  return (
    <figure className="json-block" aria-labelledby={labelId}>
      <figcaption id={labelId} className="json-block__label">
        {label}
      </figcaption>
      <pre className="json-block__value">{value === null ? 'null' : prettyJson(value)}</pre>
    </figure>
  );
}
