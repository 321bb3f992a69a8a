import type { TlpLevel } from '../api';
import { tlpBadge } from '../hub';

/** A TLP marking in the official colours, always with its text. */
export function TlpBadge({ level }: { level: TlpLevel }) {
  const { text, className } = tlpBadge(level);
  return (
    <span class={className} data-tlp={level}>
      {text}
    </span>
  );
}
